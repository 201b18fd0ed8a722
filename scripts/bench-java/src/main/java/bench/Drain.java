package bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * DefaultLitePullConsumer (remoting) assigned every queue of the topic, from
 * the first offset, polling until the whole backlog is drained. The first
 * `warmup` messages are not timed. Stops early after `idle-ms` without a
 * message, and then reports what it got (the runner marks the run invalid).
 */
final class Drain {
  private Drain() {}

  static Bench.Result run(Map<String, String> args) throws Exception {
    String topic = Bench.need(args, "topic");
    int warmup = Bench.intArg(args, "warmup", 0);
    int messages = Bench.intArg(args, "messages", 1000);
    long expected = (long) warmup + messages;
    int idleMs = Bench.intArg(args, "idle-ms", 15000);
    DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(Bench.need(args, "group"));
    consumer.setNamesrvAddr(Bench.need(args, "namesrv"));
    consumer.setPullBatchSize(Bench.intArg(args, "pull-batch", 32));
    consumer.setMqClientApiTimeout(Bench.intArg(args, "timeout-ms", 3000));
    consumer.setAutoCommit(true);
    consumer.start();
    Collection<MessageQueue> queues = consumer.fetchMessageQueues(topic);
    List<MessageQueue> assigned = new ArrayList<>(queues);
    consumer.assign(assigned);
    for (MessageQueue mq : assigned) consumer.seekToBegin(mq);

    AtomicLong count = new AtomicLong();
    long bytes = 0;
    long t0 = 0;
    long timedFrom = 0;
    long lastMessageAt = System.nanoTime();
    Thread progress = Bench.progress(count);
    while (count.get() < expected) {
      List<MessageExt> batch = consumer.poll(500);
      long now = System.nanoTime();
      if (batch.isEmpty()) {
        if ((now - lastMessageAt) / 1_000_000 > idleMs) break;
        continue;
      }
      lastMessageAt = now;
      for (MessageExt m : batch) bytes += m.getBody().length;
      long before = count.getAndAdd(batch.size());
      if (t0 == 0 && before + batch.size() >= warmup) {
        // the clock starts once the warm-up share is consumed; the rest is timed
        t0 = now;
        timedFrom = before + batch.size();
      }
    }
    double ms = t0 == 0 ? 0 : (lastMessageAt - t0) / 1e6;
    progress.interrupt();
    consumer.shutdown();
    Bench.Result result = new Bench.Result(count.get() - timedFrom, ms, count.get());
    result.extra.put("queues", assigned.size());
    result.extra.put("bytes", bytes);
    return result;
  }
}

package bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Produce -> consume latency at a fixed rate, in one JVM (one clock):
 * DefaultMQProducer async sends paced to --rate per second, each stamped
 * with System.nanoTime() when it is sent; DefaultLitePullConsumer assigned
 * every queue and positioned at their ends before the first send, stamping
 * the receipt when poll() returns the message. Same body layout as the
 * JavaScript worker: bytes 0-7 the send stamp (here nanoTime as a long),
 * 8-11 run id, 12-15 sequence number; other runs' messages are ignored.
 */
final class Latency {
  private Latency() {}

  static Bench.Result run(Map<String, String> args) throws Exception {
    String topic = Bench.need(args, "topic");
    int warmup = Bench.intArg(args, "warmup", 0);
    int messages = Bench.intArg(args, "messages", 1000);
    int total = warmup + messages;
    int rate = Bench.intArg(args, "rate", 1000);
    int idleMs = Bench.intArg(args, "idle-ms", 15000);
    int size = Math.max(16, Bench.intArg(args, "size", 1024));
    int runId = ThreadLocalRandom.current().nextInt();

    DefaultLitePullConsumer consumer = new DefaultLitePullConsumer(Bench.need(args, "group"));
    consumer.setNamesrvAddr(Bench.need(args, "namesrv"));
    consumer.setPullBatchSize(32);
    consumer.setMqClientApiTimeout(Bench.intArg(args, "timeout-ms", 3000));
    consumer.setAutoCommit(true);
    consumer.start();
    List<MessageQueue> queues = new ArrayList<>(consumer.fetchMessageQueues(topic));
    consumer.assign(queues);
    for (MessageQueue mq : queues) {
      // the first request on a fresh channel has failed here with "send request failed": retry a few times
      for (int attempt = 1; ; attempt++) {
        try {
          consumer.seekToEnd(mq);
          break;
        } catch (Exception e) {
          if (attempt == 5) throw e;
          Thread.sleep(200);
        }
      }
    }

    double[] latencies = new double[total];
    boolean[] seen = new boolean[total];
    AtomicLong received = new AtomicLong();
    AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      try {
        long lastAt = System.nanoTime();
        while (received.get() < total) {
          List<MessageExt> batch = consumer.poll(100);
          long at = System.nanoTime();
          if (batch.isEmpty()) {
            if ((at - lastAt) / 1_000_000 > idleMs) return;
            continue;
          }
          lastAt = at;
          for (MessageExt m : batch) {
            ByteBuffer b = ByteBuffer.wrap(m.getBody());
            if (b.remaining() < 16 || b.getInt(8) != runId) continue;
            int seq = b.getInt(12);
            if (seq < 0 || seq >= total || seen[seq]) continue;
            seen[seq] = true;
            latencies[seq] = (at - b.getLong(0)) / 1e6;
            received.incrementAndGet();
          }
        }
      } catch (Throwable t) {
        consumerFailure.set(t);
      }
    }, "bench-latency-reader");
    reader.start();
    // let the first pulls reach the broker
    Thread.sleep(500);

    DefaultMQProducer producer = new DefaultMQProducer("bench_java_latency_" + System.nanoTime());
    producer.setNamesrvAddr(Bench.need(args, "namesrv"));
    producer.setSendMsgTimeout(Bench.intArg(args, "timeout-ms", 3000));
    producer.setMqClientApiTimeout(Bench.intArg(args, "timeout-ms", 3000));
    producer.setRetryTimesWhenSendAsyncFailed(2);
    producer.start();
    byte[] template = new byte[size];
    for (int i = 0; i < size; i++) template[i] = (byte) ('a' + i % 26);
    AtomicLong acked = new AtomicLong();
    AtomicReference<Throwable> sendFailure = new AtomicReference<>();
    // The async send does not retry a broker's "busy" answer (flow control on an overloaded
    // broker); a user would re-send from the callback, and so do we, up to twice, keeping the
    // original stamp so the retry counts in the latency (the toolkit's transport retries inside).
    final class Resend implements SendCallback {
      final Message message;
      int retries;
      Resend(Message message) { this.message = message; }
      @Override public void onSuccess(SendResult r) {
        if (r.getSendStatus() == SendStatus.SEND_OK) acked.incrementAndGet();
        else sendFailure.compareAndSet(null, new IllegalStateException("send status " + r.getSendStatus()));
      }
      @Override public void onException(Throwable e) {
        if (e instanceof MQBrokerException && ((MQBrokerException) e).getResponseCode() == 2 && retries++ < 2) {
          try {
            producer.send(message, this);
            return;
          } catch (Exception again) {
            e = again;
          }
        }
        sendFailure.compareAndSet(null, e);
      }
    }
    Thread progress = Bench.progress(received);
    long intervalNs = 1_000_000_000L / rate;
    long t0 = System.nanoTime();
    long timedFrom = t0;
    for (int seq = 0; seq < total; seq++) {
      long due = t0 + seq * intervalNs;
      for (long now = System.nanoTime(); now < due; now = System.nanoTime()) LockSupport.parkNanos(due - now);
      if (sendFailure.get() != null) throw new IllegalStateException("async send failed", sendFailure.get());
      byte[] body = template.clone();
      ByteBuffer b = ByteBuffer.wrap(body);
      b.putInt(8, runId);
      b.putInt(12, seq);
      long stamp = System.nanoTime();
      if (seq == warmup) timedFrom = stamp;
      b.putLong(0, stamp);
      Message message = new Message(topic, body);
      producer.send(message, new Resend(message));
    }
    double sendMs = (System.nanoTime() - timedFrom) / 1e6;
    reader.join();
    progress.interrupt();
    // no consumer.shutdown(): it waits out the held long-polling pulls; Bench exits the JVM after the result
    producer.shutdown();
    if (consumerFailure.get() != null) throw new IllegalStateException("consumer failed", consumerFailure.get());
    if (sendFailure.get() != null) throw new IllegalStateException("async send failed", sendFailure.get());
    double[] timed = new double[messages];
    int n = 0;
    for (int i = warmup; i < total; i++) if (seen[i]) timed[n++] = latencies[i];
    timed = Arrays.copyOf(timed, n);
    Arrays.sort(timed);
    Bench.Result result = new Bench.Result(messages, sendMs, received.get());
    result.extra.put("rate", rate);
    if (n > 0) {
      result.extra.put("p50Ms", round(percentile(timed, 0.5)));
      result.extra.put("p99Ms", round(percentile(timed, 0.99)));
      result.extra.put("maxMs", round(percentile(timed, 1)));
    }
    result.extra.put("acknowledged", acked.get());
    return result;
  }

  /** Nearest rank, as the JavaScript workers compute it. */
  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.min(sorted.length - 1, Math.max(0, i))];
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}

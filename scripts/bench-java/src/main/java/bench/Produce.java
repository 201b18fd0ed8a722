package bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;

/**
 * DefaultMQProducer (remoting, straight to the broker) in three shapes:
 * send() in a loop; async send() with a Semaphore bounding the messages in
 * flight; async send(Collection) batches with a Semaphore bounding the batches
 * in flight. Every message counts only once the broker acknowledged it.
 */
final class Produce {
  private Produce() {}

  private static DefaultMQProducer start(Map<String, String> args) throws Exception {
    DefaultMQProducer producer = new DefaultMQProducer("bench_java_producer_" + System.nanoTime());
    producer.setNamesrvAddr(Bench.need(args, "namesrv"));
    producer.setSendMsgTimeout(Bench.intArg(args, "timeout-ms", 3000));
    // name server / route requests get the same budget (default 3 s, of which connecting on a loaded
    // machine has taken 2 s, leaving the request itself about 1 s)
    producer.setMqClientApiTimeout(Bench.intArg(args, "timeout-ms", 3000));
    producer.setRetryTimesWhenSendFailed(2);
    producer.setRetryTimesWhenSendAsyncFailed(2);
    producer.start();
    return producer;
  }

  private static byte[] body(Map<String, String> args) {
    byte[] body = new byte[Bench.intArg(args, "size", 1024)];
    for (int i = 0; i < body.length; i++) body[i] = (byte) ('a' + i % 26);
    return body;
  }

  static Bench.Result sync(Map<String, String> args) throws Exception {
    String topic = Bench.need(args, "topic");
    int warmup = Bench.intArg(args, "warmup", 0);
    int messages = Bench.intArg(args, "messages", 1000);
    byte[] body = body(args);
    DefaultMQProducer producer = start(args);
    AtomicLong acked = new AtomicLong();
    for (int i = 0; i < warmup; i++) check(producer.send(new Message(topic, body)), acked);
    Thread progress = Bench.progress(acked);
    long t0 = System.nanoTime();
    for (int i = 0; i < messages; i++) check(producer.send(new Message(topic, body)), acked);
    double ms = (System.nanoTime() - t0) / 1e6;
    progress.interrupt();
    producer.shutdown();
    return new Bench.Result(messages, ms, acked.get());
  }

  private static void check(SendResult r, AtomicLong acked) {
    if (r.getSendStatus() != SendStatus.SEND_OK) throw new IllegalStateException("send status " + r.getSendStatus());
    acked.incrementAndGet();
  }

  static Bench.Result async(Map<String, String> args) throws Exception {
    String topic = Bench.need(args, "topic");
    int inflight = Bench.intArg(args, "inflight", 128);
    byte[] body = body(args);
    DefaultMQProducer producer = start(args);
    Window window = new Window(inflight);
    int warmup = Bench.intArg(args, "warmup", 0);
    int messages = Bench.intArg(args, "messages", 1000);
    for (int i = 0; i < warmup; i++) window.send(producer, new Message(topic, body), 1);
    window.drain();
    Thread progress = Bench.progress(window.acked);
    long t0 = System.nanoTime();
    for (int i = 0; i < messages; i++) window.send(producer, new Message(topic, body), 1);
    window.drain();
    double ms = (System.nanoTime() - t0) / 1e6;
    progress.interrupt();
    producer.shutdown();
    Bench.Result result = new Bench.Result(messages, ms, window.acked.get());
    result.extra.put("inflight", inflight);
    return result;
  }

  static Bench.Result batch(Map<String, String> args) throws Exception {
    String topic = Bench.need(args, "topic");
    int inflight = Bench.intArg(args, "inflight", 8);
    int batchSize = Bench.intArg(args, "batch", 64);
    byte[] body = body(args);
    DefaultMQProducer producer = start(args);
    Window window = new Window(inflight);
    int warmup = Bench.intArg(args, "warmup", 0);
    int messages = Bench.intArg(args, "messages", 1000);
    sendBatches(window, producer, topic, body, warmup, batchSize);
    window.drain();
    Thread progress = Bench.progress(window.acked);
    long t0 = System.nanoTime();
    sendBatches(window, producer, topic, body, messages, batchSize);
    window.drain();
    double ms = (System.nanoTime() - t0) / 1e6;
    progress.interrupt();
    producer.shutdown();
    Bench.Result result = new Bench.Result(messages, ms, window.acked.get());
    result.extra.put("inflight", inflight);
    result.extra.put("batch", batchSize);
    return result;
  }

  private static void sendBatches(Window window, DefaultMQProducer producer, String topic, byte[] body, int count,
      int batchSize) throws Exception {
    for (int sent = 0; sent < count; ) {
      int n = Math.min(batchSize, count - sent);
      List<Message> batch = new ArrayList<>(n);
      for (int i = 0; i < n; i++) batch.add(new Message(topic, body));
      window.send(producer, batch, n);
      sent += n;
    }
  }

  /** At most `permits` requests outstanding; the first failure stops the run. */
  private static final class Window {
    final Semaphore semaphore;
    final int permits;
    final AtomicLong acked = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Window(int permits) {
      this.permits = permits;
      this.semaphore = new Semaphore(permits);
    }

    void send(DefaultMQProducer producer, Object messageOrBatch, int count) throws Exception {
      semaphore.acquire();
      Throwable f = failure.get();
      if (f != null) throw new IllegalStateException("async send failed: " + f, f);
      SendCallback callback = new SendCallback() {
        @Override public void onSuccess(SendResult r) {
          if (r.getSendStatus() == SendStatus.SEND_OK) acked.addAndGet(count);
          else failure.compareAndSet(null, new IllegalStateException("send status " + r.getSendStatus()));
          semaphore.release();
        }
        @Override public void onException(Throwable e) {
          failure.compareAndSet(null, e);
          semaphore.release();
        }
      };
      if (messageOrBatch instanceof Message) producer.send((Message) messageOrBatch, callback);
      else {
        @SuppressWarnings("unchecked") List<Message> batch = (List<Message>) messageOrBatch;
        producer.send(batch, callback);
      }
    }

    /** Waits until every outstanding request settled. */
    void drain() throws Exception {
      semaphore.acquire(permits);
      semaphore.release(permits);
      Throwable f = failure.get();
      if (f != null) throw new IllegalStateException("async send failed: " + f, f);
    }
  }
}

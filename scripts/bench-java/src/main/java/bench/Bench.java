package bench;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Entry point of the Java contenders. One mode per process, so that each
 * contender gets a fresh JVM, like the JavaScript ones get a fresh runtime.
 *
 *   java -cp ... bench.Bench <mode> --namesrv host:port --topic T --messages N --warmup W --size S ...
 *
 * Modes: produce-sync, produce-async, produce-batch, drain, latency.
 * The last line on stdout is "BENCH_RESULT {json}"; progress goes to stderr.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      System.err.println("usage: bench.Bench produce-sync|produce-async|produce-batch|drain|latency --key value ...");
      System.exit(2);
    }
    Map<String, String> args = parse(argv);
    String mode = argv[0];
    Result result;
    try {
      switch (mode) {
        case "produce-sync": result = Produce.sync(args); break;
        case "produce-async": result = Produce.async(args); break;
        case "produce-batch": result = Produce.batch(args); break;
        case "drain": result = Drain.run(args); break;
        case "latency": result = Latency.run(args); break;
        default:
          System.err.println("unknown mode " + mode);
          System.exit(2);
          return;
      }
    } catch (Throwable failure) {
      // the client's non-daemon threads would keep a failed JVM alive until the runner's deadline
      failure.printStackTrace();
      System.exit(1);
      return;
    }
    // CPU time of the whole JVM (all threads, warm-up included), as the JavaScript workers report it
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      result.extra.put("cpuMs", ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() / 1_000_000);
    }
    System.out.println("BENCH_RESULT " + result.toJson());
    System.out.flush();
    // Client threads (netty, schedulers) can outlive shutdown(); the result is out, so leave now.
    System.exit(0);
  }

  static Map<String, String> parse(String[] argv) {
    Map<String, String> out = new HashMap<>();
    for (int i = 1; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) throw new IllegalArgumentException("expected --key, got " + argv[i]);
      out.put(argv[i].substring(2), argv[i + 1]);
    }
    return out;
  }

  static String need(Map<String, String> args, String key) {
    String v = args.get(key);
    if (v == null) throw new IllegalArgumentException("missing --" + key);
    return v;
  }

  static int intArg(Map<String, String> args, String key, int fallback) {
    String v = args.get(key);
    return v == null ? fallback : Integer.parseInt(v);
  }

  /** Prints "progress <n>" to stderr every 5 s until stopped, so the runner can show that work moves. */
  static Thread progress(AtomicLong counter) {
    Thread t = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(5000);
          System.err.println("progress " + counter.get());
        }
      } catch (InterruptedException stop) {
        // the measured phase is over
      }
    }, "bench-progress");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** What one measured phase did: messages timed, how long, all messages moved (warm-up included). */
  static final class Result {
    final long messages;
    final double ms;
    final long total;
    final Map<String, Object> extra = new HashMap<>();

    Result(long messages, double ms, long total) {
      this.messages = messages;
      this.ms = ms;
      this.total = total;
    }

    String toJson() {
      StringBuilder sb = new StringBuilder();
      sb.append("{\"messages\":").append(messages).append(",\"ms\":").append(ms).append(",\"total\":").append(total);
      sb.append(",\"extra\":{");
      boolean first = true;
      for (Map.Entry<String, Object> e : extra.entrySet()) {
        if (!first) sb.append(',');
        first = false;
        sb.append('"').append(e.getKey()).append("\":");
        Object v = e.getValue();
        if (v instanceof Number) sb.append(v);
        else sb.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
      return sb.append("}}").toString();
    }
  }
}

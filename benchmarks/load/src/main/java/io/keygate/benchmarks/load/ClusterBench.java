package io.keygate.benchmarks.load;

import io.grpc.netty.GrpcSslContexts;
import io.keygate.client.XcaSigner;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The cluster benchmark's driver (benchmarks/cluster/run.sh starts haproxy, the nodes, MariaDB's
 * database and Redis, and hands it their addresses and pids): signed Echo calls over TLS through
 * the L4 balancer, in a fixed shape (closed loop) or at a fixed rate, with at most one fault in
 * the timed window:
 *
 * <ul>
 *   <li>{@code kill}: SIGKILL to one node. Reports the calls that failed against the calls that
 *       were in flight on that node (its connections in haproxy at that moment × calls in flight
 *       per connection), the time from the kill to the last failure (after which every call
 *       succeeded), and when haproxy's checks marked the node DOWN.
 *   <li>{@code drain}: SIGTERM to one node. Every call must succeed; reports how long the node
 *       took to exit and when haproxy marked it DOWN.
 *   <li>{@code revoke}: credentials revoked one after another while the load runs
 *       ({@link PropagationProbe}); reports, per node, the time until it refused each.
 *   <li>{@code grant}: for credentials one after another, their app's grant of the API removed,
 *       then given again, while the load runs; reports, per node, the time until it refused
 *       (PERMISSION_DENIED), then served the credential again.
 * </ul>
 *
 * <p>Every report line shows the interval's calls, errors by status and latency percentiles, and
 * the RSS, open files and threads of watched processes (the soak). Exit status: 0; 3 when calls
 * failed that the scenario does not allow (any but a kill's in-flight calls) or a revocation or
 * grant change did not reach a node; 1 when it could not run; 2 for usage.
 */
public final class ClusterBench {
  private final ClusterOptions options;
  private final PrintStream out;

  private ClusterBench(ClusterOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    ClusterOptions options;
    try {
      options = ClusterOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ClusterBench: " + e.getMessage());
      System.err.println(ClusterOptions.USAGE);
      System.exit(2);
      return;
    }
    System.exit(new ClusterBench(options, System.out).run());
  }

  private int run() throws Exception {
    SslContext tls = GrpcSslContexts.forClient().trustManager(options.trust().toFile()).build();
    List<XcaSigner> signers = new ArrayList<>();
    for (BenchCredential c : BenchCredential.readAll(options.credentials())) {
      signers.add(XcaSigner.builder(c.accessKey(), c.secret()).build());
    }
    byte[] body = LoadCall.request(LoadCall.REQUEST_BYTES);
    // Signed as each call starts (count 0: nothing pre-signed): a soak outlasts the 5-minute
    // timestamp window that pre-signed requests would have to fit in.
    CallHeaders headers = PresignedHeaders.sign(signers, options.authority(), body, 0);
    Target target = new Target("cluster", options.target().getHostString(),
        options.target().getPort(), options.authority(), true, 0, 0, Optional.empty());
    Phase phase = new Phase();
    Timeline timeline = new Timeline(phase);
    Pacer pacer = options.rate().map(Pacer::new).orElse(null);
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(options.shape().connections(), NioIoHandler.newFactory());
    Optional<HaproxyStats> haproxy =
        options.haproxyStats().map(a -> new HaproxyStats(a, options.haproxyBackend()));
    PropagationProbe probe = null;
    List<BenchCredential> toChange = List.of();
    boolean changes = options.fault().equals("revoke") || options.fault().equals("grant");
    try (Workload load = new Workload(target, options.shape(), headers, body, phase, group,
        b -> b.sslContext(tls), pacer, timeline)) {
      if (changes) {
        probe = new PropagationProbe(options.nodes(), tls, options.authority(), body,
            database(), options.tenant());
        toChange = BenchCredential.readAll((options.fault().equals("revoke") ? options.revoke()
            : options.grant()).orElseThrow());
        for (BenchCredential c : toChange) {
          probe.checkServed(c);
        }
      }
      out.printf(Locale.ROOT, "== %s through %s, shape %s%s, %d s warm-up, %d s timed, fault %s;"
              + " load average %s%n", signers.size() == 1 ? "1 credential" : signers.size()
              + " credentials", hostPort(options.target()), options.shape(),
          options.rate().map(r -> String.format(Locale.ROOT, " at %.0f calls/s", r)).orElse(""),
          options.warmupSeconds(), options.seconds(), options.fault(), loadAverage());
      load.start();
      TimeUnit.SECONDS.sleep(options.warmupSeconds());
      phase.measure();
      long start = System.nanoTime();
      timeline.roll();
      Fault fault = new Fault();
      long next = start + TimeUnit.SECONDS.toNanos(options.reportEverySeconds());
      long faultAt = options.fault().equals("none") ? Long.MAX_VALUE
          : start + TimeUnit.SECONDS.toNanos(options.faultAtSeconds());
      long end = start + TimeUnit.SECONDS.toNanos(options.seconds());
      int interval = 0;
      CompletableFuture<double[][]> changed = null;
      while (true) {
        long now = System.nanoTime();
        long wake = Math.min(Math.min(next, end), faultAt);
        if (wake > now) {
          TimeUnit.NANOSECONDS.sleep(wake - now);
          continue;
        }
        if (now >= faultAt) {
          faultAt = Long.MAX_VALUE;
          changed = inject(fault, haproxy, probe, toChange);
        }
        if (now >= next || now >= end) {
          interval++;
          report(interval, timeline.roll());
          next += TimeUnit.SECONDS.toNanos(options.reportEverySeconds());
        }
        if (now >= end) {
          break;
        }
      }
      phase.stop();
      long callsPerSecondDivisor = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      boolean drained = load.awaitDrained(10, TimeUnit.SECONDS);
      out.printf(Locale.ROOT, "   %d calls succeeded (%.0f calls/s), %d failed%s; load average %s%n",
          timeline.totalOk(), timeline.totalOk() * 1000.0 / callsPerSecondDivisor,
          timeline.totalErrors(), drained ? "" : "; " + load.stuckSlots() + " calls never ended",
          loadAverage());
      drift();
      boolean ok = drained && fault.conclude(timeline, haproxy);
      if (changed != null) {
        ok &= changesReport(changed.get());
      }
      return ok ? 0 : 3;
    } finally {
      if (probe != null) {
        probe.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private ConfigDatabaseSettings database() throws IOException {
    char[] password = options.dbPasswordFile().isPresent()
        ? Files.readString(options.dbPasswordFile().get(), StandardCharsets.UTF_8).strip().toCharArray()
        : new char[0];
    return ConfigDatabaseSettings.of(options.dbUrl().orElseThrow(), options.dbUser(), password);
  }

  private CompletableFuture<double[][]> inject(Fault fault, Optional<HaproxyStats> haproxy,
      PropagationProbe probe, List<BenchCredential> toChange) throws Exception {
    switch (options.fault()) {
      case "kill", "drain" -> {
        HaproxyStats.Server before = haproxy.orElseThrow().server(options.faultServer());
        ProcessHandle node = ProcessHandle.of(options.faultPid()).orElseThrow(
            () -> new IllegalStateException("no process " + options.faultPid()));
        fault.at = System.nanoTime();
        if (options.fault().equals("kill")) {
          node.destroyForcibly(); // SIGKILL
        } else {
          node.destroy(); // SIGTERM
        }
        fault.connections = before.connections();
        fault.exited = node.onExit().thenApply(p -> System.nanoTime());
        fault.markedDown = CompletableFuture.supplyAsync(() -> awaitDown(haproxy.get()));
        return null;
      }
      case "revoke", "grant" -> {
        return CompletableFuture.supplyAsync(() -> {
          List<double[]> ms = new ArrayList<>();
          try {
            for (BenchCredential c : toChange) {
              if (options.fault().equals("revoke")) {
                ms.add(probe.revoke(c, out));
              } else {
                ms.addAll(List.of(probe.regrant(c, out)));
              }
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return ms.toArray(double[][]::new);
        });
      }
      default -> throw new IllegalStateException(options.fault());
    }
  }

  /** When haproxy's checks took the server out (nanoTime), polling its stats every 10 ms. */
  private Long awaitDown(HaproxyStats haproxy) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        if (haproxy.server(options.faultServer()).down()) {
          return System.nanoTime();
        }
        TimeUnit.MILLISECONDS.sleep(10);
      } catch (IOException | InterruptedException e) {
        return null;
      }
    }
    return null;
  }

  /** What a kill or a drain did, once the run is over. */
  private final class Fault {
    long at;
    int connections;
    CompletableFuture<Long> exited;
    CompletableFuture<Long> markedDown;

    boolean conclude(Timeline timeline, Optional<HaproxyStats> haproxy) throws Exception {
      if (!options.fault().equals("kill") && !options.fault().equals("drain")) {
        return timeline.totalErrors() == 0;
      }
      List<Timeline.Failure> failures = timeline.failures();
      long before = failures.stream().filter(f -> f.endNanos() < at).count();
      Map<String, Long> after = new TreeMap<>();
      long last = at;
      for (Timeline.Failure f : failures) {
        if (f.endNanos() >= at) {
          after.merge(f.code(), 1L, Long::sum);
          last = Math.max(last, f.endNanos());
        }
      }
      long failed = after.values().stream().mapToLong(Long::longValue).sum();
      int inFlight = connections * options.shape().inFlight();
      Long down = markedDown.get(40, TimeUnit.SECONDS);
      Long exit = exited.isDone() ? exited.get() : null;
      String signal = options.fault().equals("kill") ? "SIGKILL" : "SIGTERM";
      out.printf(Locale.ROOT, "   %s to %s (pid %d): it held %d of the balancer's connections, %d"
              + " calls in flight (x %d per connection); %d calls failed after it %s, %d before%n",
          signal, options.faultServer(), options.faultPid(), connections, inFlight,
          options.shape().inFlight(), failed, after, before);
      out.printf(Locale.ROOT, "   last failure %.0f ms after the %s (every call since succeeded);"
              + " process gone after %s; haproxy marked it DOWN after %s%n",
          (last - at) / 1e6, signal, ms(exit), ms(down));
      failures.stream().filter(f -> f.endNanos() >= at).limit(3).forEach(f -> out.printf(
          Locale.ROOT, "     e.g. +%.0f ms %s %s%n", (f.endNanos() - at) / 1e6, f.code(),
          f.description()));
      if (options.fault().equals("drain")) {
        return timeline.totalErrors() == 0;
      }
      return before == 0 && failed <= inFlight;
    }

    private String ms(Long nanos) {
      return nanos == null ? "(not seen)" : String.format(Locale.ROOT, "%.0f ms", (nanos - at) / 1e6);
    }
  }

  private boolean changesReport(double[][] ms) {
    double worst = 0;
    boolean all = true;
    for (double[] trial : ms) {
      for (double m : trial) {
        all &= !Double.isNaN(m);
        worst = Math.max(worst, Double.isNaN(m) ? Double.POSITIVE_INFINITY : m);
      }
    }
    out.printf(Locale.ROOT, "   %s under load; every node answered accordingly within %.0f ms of"
        + " the store write%s%n", options.fault().equals("revoke")
            ? ms.length + " credential(s) revoked"
            : ms.length + " grant changes (removed, given again)", worst,
        all ? "" : " (SOME NODE NEVER DID)");
    return all;
  }

  /** Each report line's p99 (ms), and each watched process's RSS (MiB), open files and threads. */
  private final List<Double> p99s = new ArrayList<>();
  private final Map<String, List<Long>> rss = new TreeMap<>();
  private final Map<String, List<Long>> files = new TreeMap<>();
  private final Map<String, List<Long>> threads = new TreeMap<>();

  private void report(int interval, Timeline.Interval i) throws IOException {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "   %3d  %8d ok %s  p50 %6.2f ms  p99 %7.2f ms  p99.9 %7.2f ms", interval, i.ok(),
        i.errorCount() == 0 ? "0 errors" : i.errors().toString(), i.p50() / 1000, i.p99() / 1000,
        i.p999() / 1000));
    p99s.add(i.p99() / 1000);
    for (Map.Entry<String, Long> w : options.watch().entrySet()) {
      long mib = rssKib(w.getValue()) / 1024;
      long fds = entries(w.getValue(), "fd");
      long tasks = entries(w.getValue(), "task");
      rss.computeIfAbsent(w.getKey(), k -> new ArrayList<>()).add(mib);
      files.computeIfAbsent(w.getKey(), k -> new ArrayList<>()).add(fds);
      threads.computeIfAbsent(w.getKey(), k -> new ArrayList<>()).add(tasks);
      line.append(String.format(Locale.ROOT, "  %s RSS %d MiB fds %d threads %d", w.getKey(), mib,
          fds, tasks));
    }
    line.append("  load ").append(loadAverage());
    out.println(line);
  }

  /** The soak's verdict: p99 from the first report line to the last, memory and files likewise. */
  private void drift() {
    if (p99s.size() < 2) {
      return;
    }
    double min = p99s.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = p99s.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    out.printf(Locale.ROOT, "   drift over %d intervals: p99 first %.2f ms, last %.2f ms"
            + " (min %.2f, max %.2f)%n", p99s.size(), p99s.get(0), p99s.get(p99s.size() - 1),
        min, max);
    for (String node : rss.keySet()) {
      out.printf(Locale.ROOT, "   %s: RSS MiB %s; open files %s; threads %s%n", node,
          firstLastMax(rss.get(node)), firstLastMax(files.get(node)),
          firstLastMax(threads.get(node)));
    }
  }

  /** VmRSS of {@code pid} in KiB; -1 once it is gone. */
  private static long rssKib(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // gone
    }
    return -1;
  }

  private static String firstLastMax(List<Long> v) {
    return String.format(Locale.ROOT, "first %d, last %d (max %d)", v.get(0), v.get(v.size() - 1),
        v.stream().mapToLong(Long::longValue).max().orElse(0));
  }

  /** How many entries /proc/PID/DIR has (fd: open files, task: threads); -1 once it is gone. */
  private static long entries(long pid, String dir) {
    try (Stream<Path> e = Files.list(Path.of("/proc", Long.toString(pid), dir))) {
      return e.count();
    } catch (IOException e) {
      return -1;
    }
  }

  static String hostPort(java.net.InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  private static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + ", " + f[1] + ", " + f[2];
  }
}

package io.keygate.benchmarks.load;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.keygate.client.XcaSigner;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The load benchmark's driver (run.sh starts the processes and hands it their addresses and pids).
 *
 * <p>Before round 1 every target gets one checked call and an untimed warm-up in the heaviest
 * shape, so the JVMs under test (Keygate, both backends) have compiled their hot paths. Then each round drives every
 * target in every shape in turn, starting one target later each round so that no target always
 * follows the same neighbour; targets are interleaved rather than run back to back so that they
 * all see the same machine. After the shapes, the probe runs: a 1x1 probe on the idle probe API
 * while the heaviest shape saturates keygate-none, and the same through haproxy (a second route,
 * by authority, to the probe backend) while haproxy is saturated: the machine's own share of the
 * probe's slowdown, since the load generator, the backends and the proxy share its cores. Each run warms up, then opens a timed window
 * in which the proxy's /proc counters are read at both ends.
 *
 * <p>Exit status: 0, or 3 when a run had errors (any grpc-status but 0), calls that never
 * completed, or requests signed inside the window; 1 when a preflight call failed; 2 for usage.
 */
public final class LoadBench {
  static final String PROBE = "keygate-probe";
  static final String SATURATED = "keygate-none";
  static final String HAPROXY_PROBE = "haproxy-probe";
  static final String HAPROXY = "haproxy";
  /** Each probe target and the target saturated while it is probed; Keygate's first. */
  static final Map<String, String> PROBES = probes();

  private static Map<String, String> probes() {
    Map<String, String> probes = new LinkedHashMap<>();
    probes.put(PROBE, SATURATED);
    probes.put(HAPROXY_PROBE, HAPROXY);
    return Collections.unmodifiableMap(probes);
  }
  /** Rough upper bound of the first signature run, before any target was measured. */
  private static final double FIRST_RATE_GUESS = 20_000;
  private static final int MAX_PRESIGNED = 2_000_000;
  private static final long DRAIN_SECONDS = 10;
  /** Preflight calls in flight at once: thousands of keys checked in seconds, not a minute. */
  private static final int PREFLIGHT_IN_FLIGHT = 16;

  private final LoadOptions options;
  private final List<Target> targets;
  private final byte[] body;
  /** The signers of each signature target, one per credential, by target name. */
  private final Map<String, List<XcaSigner>> signers;
  private final PrintStream out;
  private final EventLoopGroup mainGroup;
  private final EventLoopGroup probeGroup;
  private final ProcessMeter self;
  /** Throughput of every run so far, warm-up included, to size the pre-signed pools. */
  private final List<Rate> rates = new ArrayList<>();
  private final List<RunResult> results = new ArrayList<>();

  private LoadBench(LoadOptions options, List<Target> targets, Map<String, List<XcaSigner>> signers,
      PrintStream out) {
    this.options = options;
    this.targets = targets;
    this.body = LoadCall.request(options.requestBytes());
    this.signers = signers;
    this.out = out;
    int threads = 0;
    for (Shape s : options.shapes()) {
      threads = Math.max(threads, s.connections());
    }
    // One event loop per connection of the heaviest shape; the probe has a loop of its own so
    // its latency does not wait behind the saturating connections' work in the client.
    this.mainGroup = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    this.probeGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.self = new ProcessMeter(ProcessHandle.current().pid(), options.clockTicks());
  }

  private record Rate(Target target, Shape shape, double callsPerSecond) {}

  public static void main(String[] args) throws Exception {
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("LoadBench: " + e.getMessage());
      System.err.println(LoadOptions.USAGE);
      System.exit(2);
      return;
    }
    List<Target> targets = Target.readAll(options.targets());
    Map<String, List<XcaSigner>> signers = new LinkedHashMap<>();
    for (Target t : targets) {
      if (t.signed()) {
        List<XcaSigner> keys = new ArrayList<>();
        for (BenchCredential c : BenchCredential.readAll(t.credentials().orElseThrow())) {
          XcaSigner.Builder signer = XcaSigner.builder(c.accessKey(), c.secret());
          keys.add(options.signatureVersion() == 2 ? signer.signEveryMessage().build()
              : signer.build());
        }
        signers.put(t.name(), List.copyOf(keys));
      }
    }
    LoadBench bench = new LoadBench(options, targets, signers, System.out);
    int status;
    try {
      status = bench.run();
    } finally {
      bench.mainGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      bench.probeGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    System.exit(status);
  }

  private int run() throws Exception {
    if (!preflight()) {
      return 1;
    }
    Shape heaviest = options.heaviestShape();
    List<Target> rotation = targets.stream().filter(t -> !PROBES.containsKey(t.name())).toList();
    if (options.initialWarmupSeconds() > 0) {
      out.printf("== Warm-up: every target at %s for %d s (the last one timed, to size pools)%n", heaviest,
          options.initialWarmupSeconds());
      // The probe too: its backend is a JVM of its own, cold until it has served some calls.
      for (Target t : targets) {
        // The last second is timed: its rate sizes the first pre-signed pools.
        RunResult r = measure(0, t, heaviest, Math.max(0, options.initialWarmupSeconds() - 1), 1);
        out.println("   " + r.describe());
      }
    }
    for (int round = 1; round <= options.rounds(); round++) {
      out.printf("== Round %d of %d   load average (uptime) before: %s%n", round, options.rounds(),
          loadAverage());
      for (Shape shape : options.shapes()) {
        for (int i = 0; i < rotation.size(); i++) {
          Target t = rotation.get((i + round - 1) % rotation.size());
          record(measure(round, t, shape, options.warmupSeconds(), options.seconds()));
        }
        if (shape.connections() == 1 && shape.inFlight() == 1) {
          for (String name : PROBES.keySet()) {
            Optional<Target> probe = find(name);
            if (probe.isPresent()) {
              record(measure(round, probe.get(), shape, options.warmupSeconds(), options.seconds()));
            }
          }
        }
      }
      for (Map.Entry<String, String> pair : PROBES.entrySet()) {
        Optional<Target> probe = find(pair.getKey());
        Optional<Target> saturated = find(pair.getValue());
        if (probe.isPresent() && saturated.isPresent()) {
          record(probeRun(round, saturated.get(), heaviest, probe.get()));
        }
      }
      out.printf("   load average (uptime) after round %d: %s%n", round, loadAverage());
    }
    new Report(results, rotation.stream().map(Target::name).toList(), options.shapes(), keyCounts(),
        options.secrets(), options.signatureVersion()).print(out);
    if (options.out().isPresent()) {
      List<String> lines = new ArrayList<>();
      // Which keys signed each run: the file must say so without the console output.
      lines.add(RunResult.tsvHeader() + "\tkeys\tsecrets");
      for (RunResult r : results) {
        Integer keys = keyCounts().get(r.target());
        lines.add(r.tsv() + "\t" + (keys == null ? 0 : keys) + "\t"
            + (keys == null ? "" : options.secrets()));
      }
      Files.write(options.out().get(), lines, StandardCharsets.UTF_8);
      out.println("Every run: " + options.out().get());
    }
    long flawed = results.stream().filter(RunResult::flawed).count();
    if (flawed > 0) {
      out.println(flawed + " run(s) had errors, stuck calls or inline signing: see their lines above");
      return 3;
    }
    return 0;
  }

  private void record(RunResult r) {
    results.add(r);
    out.println("   " + r.describe());
  }

  /** Number of credentials of each signature target, by name. */
  private Map<String, Integer> keyCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    signers.forEach((name, keys) -> counts.put(name, keys.size()));
    return counts;
  }

  /**
   * One call to each target, checked, so a broken proxy config fails before any timing. A Keygate
   * target gets as many as the most keys of any signature target, a signature target's keys in
   * turn: every key is shown to work and the gateway has met it (unwrapped it, with the key
   * hierarchy) before any run, and every Keygate node has served as many calls per target, so
   * none is warmer (JIT) for having more keys or for serving other targets.
   */
  private boolean preflight() throws Exception {
    boolean ok = true;
    int signedCalls = keyCounts().values().stream().mapToInt(Integer::intValue).max().orElse(1);
    for (Target t : targets) {
      ManagedChannel channel = NettyChannelBuilder.forAddress(t.host(), t.port())
          .usePlaintext().overrideAuthority(t.authority()).build();
      try {
        int calls = isKeygate(t) ? signedCalls : 1;
        CallHeaders headers = t.signed() ? presign(t, calls) : CallHeaders.NONE;
        long start = System.nanoTime();
        byte[] reply = new byte[0];
        List<ListenableFuture<byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
          batch.add(LoadCall.unary(channel, headers.next(), body, 10));
          if (batch.size() == PREFLIGHT_IN_FLIGHT || i == calls - 1) {
            for (ListenableFuture<byte[]> call : batch) {
              reply = answer(call);
            }
            batch.clear();
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ProcessMeter.Reading proxy = meter(t.pid()).read();
        // Before any load: the RSS of a proxy that has started and served its preflight calls.
        int keys = t.signed() ? signers.get(t.name()).size() : 0;
        out.printf(Locale.ROOT, "   preflight %-22s %s:%d authority %-19s OK (%d-byte reply%s); proxy pid %d"
                + " (%d processes, RSS %.0f MiB), backend pid %d%n", t.name(), t.host(), t.port(),
            t.authority(), reply.length,
            t.signed() ? String.format(Locale.ROOT, "; %d calls over %d key%s%s in %.1f s", calls,
                keys, keys == 1 ? "" : "s", options.secrets().isEmpty() ? "" : " " + options.secrets(),
                seconds)
                : calls > 1 ? String.format(Locale.ROOT, "; %d calls in %.1f s", calls, seconds) : "",
            t.pid(), proxy.processes(), proxy.rssKib() / 1024.0, t.backendPid());
      } catch (StatusRuntimeException e) {
        Status s = e.getStatus();
        out.printf("   preflight %-22s %s:%d authority %-19s FAILED %s %s%n", t.name(), t.host(),
            t.port(), t.authority(), s.getCode(), s.getDescription());
        ok = false;
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return ok;
  }

  private static byte[] answer(ListenableFuture<byte[]> call) throws InterruptedException {
    try {
      return call.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException s ? s : Status.fromThrowable(e.getCause())
          .asRuntimeException();
    }
  }

  private RunResult measure(int round, Target target, Shape shape, int warmup, int seconds)
      throws Exception {
    Phase phase = new Phase();
    CallHeaders headers = headersFor(target, presignCount(target, shape, warmup + seconds));
    Workload load = new Workload(target, shape, headers, body, phase, mainGroup);
    RunResult r = timed(round, target.name(), load, null, phase, warmup, seconds, headers);
    rates.add(new Rate(target, shape, r.callsPerSecond()));
    return r;
  }

  private RunResult probeRun(int round, Target saturated, Shape heavy, Target probe)
      throws Exception {
    Phase phase = new Phase();
    CallHeaders headers = headersFor(saturated, presignCount(saturated, heavy,
        options.warmupSeconds() + options.seconds()));
    Workload load = new Workload(saturated, heavy, headers, body, phase, mainGroup);
    Workload probing = new Workload(probe, new Shape(1, 1), headersFor(probe, 1), body, phase,
        probeGroup);
    return timed(round, RunResult.probeLoaded(probe.name()), load, probing, phase,
        options.warmupSeconds(),
        options.seconds(), headers);
  }

  private RunResult timed(int round, String name, Workload load, Workload probe, Phase phase,
      int warmup, int seconds, CallHeaders headers) throws Exception {
    ProcessMeter proxy = meter(load.target().pid());
    ProcessMeter backend = meter(load.target().backendPid());
    try (load; Workload p = probe) {
      load.start();
      if (p != null) {
        p.start();
      }
      Thread.sleep(warmup * 1_000L);
      ProcessMeter.Reading proxy0 = proxy.read();
      ProcessMeter.Reading backend0 = backend.read();
      ProcessMeter.Reading self0 = self.read();
      long start = System.nanoTime();
      phase.measure();
      Thread.sleep(seconds * 1_000L);
      phase.stop();
      long end = System.nanoTime();
      ProcessMeter.Reading proxy1 = proxy.read();
      ProcessMeter.Delta proxyDelta = proxy1.minus(proxy0);
      ProcessMeter.Delta backendDelta = backend.read().minus(backend0);
      ProcessMeter.Delta selfDelta = self.read().minus(self0);
      boolean drained = load.awaitDrained(DRAIN_SECONDS, TimeUnit.SECONDS)
          && (p == null || p.awaitDrained(DRAIN_SECONDS, TimeUnit.SECONDS));
      long stuck = drained ? 0 : load.stuckSlots() + (p == null ? 0 : p.stuckSlots());
      long presigned = headers instanceof PresignedHeaders ph ? ph.presigned() : 0;
      long inline = headers instanceof PresignedHeaders ph ? ph.signedInline() : 0;
      return new RunResult(round, name, load.shape(), (end - start) / 1e9, load.summary(),
          proxyDelta.cpuMicros(), proxyDelta.contextSwitches(), proxyDelta.runQueueMicros(),
          proxy1.peakRssKib(),
          backendDelta.cpuMicros(),
          selfDelta.cpuMicros(),
          presigned, inline, stuck, p == null ? null : p.summary());
    }
  }

  private ProcessMeter meter(long pid) {
    return new ProcessMeter(pid, options.clockTicks());
  }

  private CallHeaders headersFor(Target target, int count) {
    if (!target.signed()) {
      return CallHeaders.NONE;
    }
    PresignedHeaders headers = presign(target, count);
    if (count > 1) {
      out.printf(Locale.ROOT, "   (pre-signed %d requests for %s in %.1f s, before the run)%n",
          count, target.name(), headers.signingNanos() / 1e9);
    }
    return headers;
  }

  private PresignedHeaders presign(Target target, int count) {
    return PresignedHeaders.sign(signers.get(target.name()), target.authority(), body, count);
  }

  /**
   * Enough signed requests for the run at 1.5 times the best rate seen so far of the same process
   * or another Keygate node (keygate-none's runs size keygate-signature's pool: on one node,
   * signing only adds work; a second node is the same program) in this shape; else in any shape;
   * else of any target in this shape; else a generous guess.
   */
  private int presignCount(Target target, Shape shape, int runSeconds) {
    Predicate<Rate> kin = r -> r.target().pid() == target.pid()
        || (isKeygate(r.target()) && isKeygate(target));
    double rate = best(kin.and(r -> r.shape().equals(shape)));
    if (Double.isNaN(rate)) {
      rate = best(kin);
    }
    if (Double.isNaN(rate)) {
      rate = best(r -> r.shape().equals(shape));
    }
    if (Double.isNaN(rate)) {
      rate = FIRST_RATE_GUESS;
    }
    return (int) Math.min(MAX_PRESIGNED, Math.ceil(rate * runSeconds * 1.5) + 1_000);
  }

  private double best(Predicate<Rate> which) {
    return rates.stream().filter(which).mapToDouble(Rate::callsPerSecond).max().orElse(Double.NaN);
  }

  private static boolean isKeygate(Target t) {
    return t.name().startsWith("keygate-");
  }

  private Optional<Target> find(String name) {
    return targets.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The three load averages, as uptime prints them (it reads the same file). */
  private static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + ", " + f[1] + ", " + f[2];
  }
}

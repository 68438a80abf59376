package io.keygate.benchmarks.load;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The summary after the last round: one table per shape with the median over rounds of each
 * figure, then the ratios. A ratio is computed within each round (both sides measured minutes
 * apart on the same machine) and the median of those is printed with the range over rounds; a
 * ratio of two medians would mix rounds. With signature targets of different key counts (run.sh
 * {@code --keys 5,5000}), the tail latency of the most keys divided by that of the fewest, per
 * round.
 */
final class Report {
  static final String DIRECT = "direct";
  static final String HAPROXY = "haproxy";
  static final String RELAY = "netty-relay";
  static final String NONE = "keygate-none";

  private final List<RunResult> results;
  private final List<String> targetOrder;
  private final List<Shape> shapes;
  private final int rounds;
  /** Credentials of each signature target, by name, in target order. */
  private final Map<String, Integer> keys;
  private final String secrets;
  private final int signatureVersion;

  Report(List<RunResult> results, List<String> targetOrder, List<Shape> shapes,
      Map<String, Integer> keys, String secrets, int signatureVersion) {
    this.results = results;
    this.targetOrder = new ArrayList<>(targetOrder);
    this.shapes = shapes;
    this.keys = keys;
    this.secrets = secrets;
    this.signatureVersion = signatureVersion;
    this.rounds = results.stream().mapToInt(RunResult::round).max().orElse(0);
    for (String probe : LoadBench.PROBES.keySet()) {
      if (results.stream().anyMatch(r -> r.target().equals(probe))) {
        this.targetOrder.add(probe);
      }
    }
  }

  void print(PrintStream out) {
    out.println();
    out.printf("== Summary: median over %d rounds (calls/s: median, min-max); latency in µs;"
        + " CPU in µs of CPU time per successful call; peak RSS: the most the proxy's processes"
        + " held resident since they started (VmHWM), as of its last run%n", rounds);
    if (!keys.isEmpty()) {
      List<String> each = new ArrayList<>();
      keys.forEach((target, n) -> each.add(target + " " + n + (n == 1 ? " key" : " keys")));
      out.printf("   signed with: %s; signature version %d; secrets: %s%n",
          String.join(", ", each), signatureVersion, secrets.isEmpty() ? "not stated" : secrets);
    }
    for (Shape shape : shapes) {
      table(out, shape);
    }
    ratios(out);
    keyCountRatios(out);
  }

  private void table(PrintStream out, Shape shape) {
    out.println();
    out.printf("-- %s (%d connection%s x %d call%s in flight)%n", shape, shape.connections(),
        shape.connections() == 1 ? "" : "s", shape.inFlight(), shape.inFlight() == 1 ? "" : "s");
    out.printf("%-22s %22s %7s %7s %7s %10s %10s %10s %10s %10s %9s %s%n", "target", "calls/s",
        "p50", "p99", "p99.9", "proxy CPU", "ctxsw", "runq", "backend", "client", "peak RSS",
        "errors");
    for (String target : targetOrder) {
      List<RunResult> runs = runs(target, shape);
      if (runs.isEmpty()) {
        continue;
      }
      long errors = runs.stream().mapToLong(r -> r.calls().errorCount()).sum();
      boolean flawed = runs.stream().anyMatch(RunResult::flawed);
      out.printf(Locale.ROOT, "%-22s %8.0f (%5.0f-%5.0f) %7.0f %7.0f %7.0f %10.1f %10.2f %10.1f %10.1f %10.1f %5.0f MiB %d%s%n",
          target, median(runs, RunResult::callsPerSecond), min(runs, RunResult::callsPerSecond),
          max(runs, RunResult::callsPerSecond), median(runs, r -> r.calls().p50()),
          median(runs, r -> r.calls().p99()), median(runs, r -> r.calls().p999()),
          median(runs, RunResult::proxyCpuPerCall), median(runs, RunResult::contextSwitchesPerCall),
          median(runs, RunResult::runQueuePerCall), median(runs, RunResult::backendCpuPerCall), median(runs, RunResult::clientCpuPerCall),
          max(runs, RunResult::proxyPeakRssMib), errors, flawed ? "  (see the runs above)" : "");
    }
  }

  private void ratios(PrintStream out) {
    out.println();
    out.println("== Ratios, within each round; median (min-max over rounds)");
    for (Shape shape : shapes) {
      String s = shape.toString();
      ratio(out, s + "  keygate-none CPU/call / haproxy CPU/call", shape, NONE, HAPROXY,
          (a, b) -> a.proxyCpuPerCall() / b.proxyCpuPerCall(), "%.2f");
      ratio(out, s + "  keygate-none calls/s / haproxy calls/s", shape, NONE, HAPROXY,
          (a, b) -> a.callsPerSecond() / b.callsPerSecond(), "%.2f");
      // With --relay only (nothing is printed for a target that did not run).
      ratio(out, s + "  netty-relay CPU/call / haproxy CPU/call", shape, RELAY, HAPROXY,
          (a, b) -> a.proxyCpuPerCall() / b.proxyCpuPerCall(), "%.2f");
      ratio(out, s + "  keygate-none CPU/call / netty-relay CPU/call", shape, NONE, RELAY,
          (a, b) -> a.proxyCpuPerCall() / b.proxyCpuPerCall(), "%.2f");
      for (String signature : keys.keySet()) {
        ratio(out, s + "  " + signature + " calls/s / keygate-none calls/s", shape, signature, NONE,
            (a, b) -> a.callsPerSecond() / b.callsPerSecond(), "%.2f");
        ratio(out, s + "  " + signature + " - keygate-none CPU/call (µs)", shape, signature, NONE,
            (a, b) -> a.proxyCpuPerCall() - b.proxyCpuPerCall(), "%+.1f");
      }
    }
    Optional<Shape> latency = shapes.stream().filter(x -> x.connections() == 1 && x.inFlight() == 1).findFirst();
    if (latency.isPresent()) {
      for (String target : targetOrder) {
        if (!target.equals(DIRECT)) {
          ratio(out, "1x1 p50 added over direct (µs): " + target, latency.get(), target, DIRECT,
              (a, b) -> a.calls().p50() - b.calls().p50(), "%+.0f");
        }
      }
      Map<String, List<Double>> slowdowns = new LinkedHashMap<>();
      for (Map.Entry<String, String> pair : LoadBench.PROBES.entrySet()) {
        List<ProbeRound> found = probeRounds(pair.getKey(), latency.get());
        if (found.isEmpty()) {
          continue;
        }
        List<Double> probe = found.stream().map(ProbeRound::slowdown).toList();
        slowdowns.put(pair.getKey(), probe);
        String owner = pair.getValue().equals(LoadBench.SATURATED) ? "API" : "route";
        String detail = String.join(" ", found.stream()
            .map(r -> String.format(Locale.ROOT, "%.0f/%.0f", r.loaded(), r.alone())).toList());
        out.printf(Locale.ROOT, "%-62s %s   (µs, per round: %s)%n",
            "probe p50 on an idle " + owner + " while " + pair.getValue() + " is saturated / alone",
            summarise(probe, "%.2f"), detail);
      }
      List<Double> keygate = slowdowns.get(LoadBench.PROBE);
      List<Double> haproxy = slowdowns.get(LoadBench.HAPROXY_PROBE);
      if (keygate != null && haproxy != null && keygate.size() == haproxy.size()) {
        List<Double> relative = new ArrayList<>();
        for (int i = 0; i < keygate.size(); i++) {
          relative.add(keygate.get(i) / haproxy.get(i));
        }
        out.printf(Locale.ROOT, "%-62s %s%n", "probe slowdown, keygate / haproxy (same round)",
            summarise(relative, "%.2f"));
      }
    }
  }

  /** A probe's p50 while its neighbour was saturated, and alone, in one round. */
  private record ProbeRound(double loaded, double alone) {
    double slowdown() {
      return loaded / alone;
    }
  }

  /** The rounds that have both of a probe's runs. */
  private List<ProbeRound> probeRounds(String probe, Shape latency) {
    List<ProbeRound> found = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      Optional<RunResult> alone = run(probe, latency, round);
      Optional<RunResult> loaded = probeRun(probe, round);
      if (alone.isPresent() && loaded.isPresent()) {
        found.add(new ProbeRound(loaded.get().probe().p50(), alone.get().calls().p50()));
      }
    }
    return found;
  }

  /** The figure: signed tail latency with the most keys ÷ with the fewest, per round. */
  private void keyCountRatios(PrintStream out) {
    if (keys.size() < 2) {
      return;
    }
    String fewest = null;
    String most = null;
    for (Map.Entry<String, Integer> e : keys.entrySet()) {
      if (fewest == null || e.getValue() < keys.get(fewest)) {
        fewest = e.getKey();
      }
      if (most == null || e.getValue() > keys.get(most)) {
        most = e.getKey();
      }
    }
    out.println();
    out.printf("== Key count: %d keys / %d keys (%s / %s), within each round%n", keys.get(most),
        keys.get(fewest), most, fewest);
    for (Shape shape : shapes) {
      keyCountRatio(out, shape, "p99.9", most, fewest, r -> r.calls().p999());
      keyCountRatio(out, shape, "p99", most, fewest, r -> r.calls().p99());
      keyCountRatio(out, shape, "p50", most, fewest, r -> r.calls().p50());
      keyCountRatio(out, shape, "calls/s", most, fewest, RunResult::callsPerSecond);
    }
  }

  private void keyCountRatio(PrintStream out, Shape shape, String figure, String most,
      String fewest, ToDoubleFunction<RunResult> f) {
    List<Double> values = new ArrayList<>();
    List<String> detail = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      Optional<RunResult> x = run(most, shape, round);
      Optional<RunResult> y = run(fewest, shape, round);
      if (x.isPresent() && y.isPresent()) {
        double a = f.applyAsDouble(x.get());
        double b = f.applyAsDouble(y.get());
        values.add(a / b);
        detail.add(String.format(Locale.ROOT, "%.2f (%.0f/%.0f)", a / b, a, b));
      }
    }
    if (!values.isEmpty()) {
      out.printf("%-62s %s   per round: %s%n", shape + "  " + figure + " " + keys.get(most) + " keys / "
          + keys.get(fewest) + " keys", summarise(values, "%.2f"), String.join("  ", detail));
    }
  }

  private interface Pair {
    double of(RunResult a, RunResult b);
  }

  private void ratio(PrintStream out, String label, Shape shape, String a, String b, Pair f,
      String format) {
    List<Double> values = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      Optional<RunResult> x = run(a, shape, round);
      Optional<RunResult> y = run(b, shape, round);
      if (x.isPresent() && y.isPresent()) {
        values.add(f.of(x.get(), y.get()));
      }
    }
    if (!values.isEmpty()) {
      out.printf("%-62s %s%n", label, summarise(values, format));
    }
  }

  private static String summarise(List<Double> values, String format) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return String.format(Locale.ROOT, format + "  (" + format + " .. " + format + ")",
        medianOf(sorted), sorted.get(0), sorted.get(sorted.size() - 1));
  }

  private Optional<RunResult> probeRun(String probe, int round) {
    String name = RunResult.probeLoaded(probe);
    return results.stream()
        .filter(r -> r.round() == round && r.target().equals(name))
        .findFirst();
  }

  private Optional<RunResult> run(String target, Shape shape, int round) {
    return results.stream()
        .filter(r -> r.round() == round && r.target().equals(target) && r.shape().equals(shape))
        .findFirst();
  }

  private List<RunResult> runs(String target, Shape shape) {
    return results.stream()
        .filter(r -> r.round() > 0 && r.target().equals(target) && r.shape().equals(shape))
        .toList();
  }

  private static double median(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
    List<Double> values = new ArrayList<>();
    runs.forEach(r -> values.add(f.applyAsDouble(r)));
    Collections.sort(values);
    return medianOf(values);
  }

  private static double min(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
    return runs.stream().mapToDouble(f).min().orElse(Double.NaN);
  }

  private static double max(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
    return runs.stream().mapToDouble(f).max().orElse(Double.NaN);
  }

  /** The middle value, or the mean of the two middle ones; of a sorted list. */
  private static double medianOf(List<Double> sorted) {
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}

package io.keygate.benchmarks.gate;

import io.keygate.benchmarks.gate.Baseline.Figure;
import io.keygate.benchmarks.gate.JmhResults.Measurement;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A run's figures against the baseline. Allocation per operation must stay under the recorded
 * value plus the tolerance. Time is never compared across runs: each guarded benchmark's CPU time
 * per operation ({@link CpuTimeProfiler}) is divided by its ruler's from the same run, and that
 * ratio must stay under the recorded ratio times the factor. A guarded benchmark the run did not measure fails the gate too, so a
 * renamed benchmark cannot slip out of it.
 */
final class GateCheck {
  enum Verdict {
    OK("ok"),
    /** Allocation fell below the tolerance band: fine, but the baseline no longer holds the gain. */
    BETTER("ok, lower: refresh the baseline to keep it"),
    NOT_GUARDED("not guarded (no baseline figure)"),
    REGRESSED("REGRESSED"),
    MISSING("MISSING");

    private final String text;

    Verdict(String text) {
      this.text = text;
    }

    boolean fails() {
      return this == REGRESSED || this == MISSING;
    }
  }

  /**
   * One line of the table: one figure of one benchmark.
   *
   * @param why what the failure message says (empty unless it failed)
   * @param note printed after the verdict, for information
   */
  record Row(String benchmark, String figure, double measured, double recorded, double limit,
      Verdict verdict, String why, String note) {}

  private final Baseline baseline;
  private final JmhResults run;
  private final List<Row> rows = new ArrayList<>();

  private GateCheck(Baseline baseline, JmhResults run) {
    this.baseline = baseline;
    this.run = run;
  }

  static GateCheck of(Baseline baseline, JmhResults run) {
    GateCheck check = new GateCheck(baseline, run);
    for (Figure f : baseline.figures()) {
      check.allocation(f);
      check.time(f);
    }
    return check;
  }

  private void allocation(Figure f) {
    Optional<Measurement> m = run.get(f.benchmark());
    if (m.isEmpty() || m.get().allocBytesPerOp().isEmpty()) {
      rows.add(missing(f.benchmark(), "B/op", m.isEmpty() ? "not measured in this run"
          : "no " + JmhResults.ALLOC_NORM + " in this run (run with -prof gc)"));
      return;
    }
    double measured = m.get().allocBytesPerOp().getAsDouble();
    if (f.allocBytesPerOp() == null) {
      rows.add(new Row(f.benchmark(), "B/op", measured, Double.NaN, Double.NaN,
          Verdict.NOT_GUARDED, "", ""));
      return;
    }
    double recorded = f.allocBytesPerOp();
    double limit = baseline.allocLimit(recorded);
    Verdict verdict = measured > limit ? Verdict.REGRESSED
        : measured < recorded - (limit - recorded) ? Verdict.BETTER : Verdict.OK;
    String why = verdict != Verdict.REGRESSED ? "" : String.format(Locale.ROOT,
        "allocation %,.0f B/op > limit %,.0f B/op (baseline %,.0f, %+.0f %%)",
        measured, limit, recorded, 100 * (measured - recorded) / recorded);
    rows.add(new Row(f.benchmark(), "B/op", measured, recorded, limit, verdict, why, ""));
  }

  private void time(Figure f) {
    String figure = "cpu / " + method(f.ruler());
    Optional<Measurement> m = run.get(f.benchmark());
    Optional<Measurement> ruler = run.get(f.ruler());
    if (m.isEmpty() || ruler.isEmpty()) {
      rows.add(missing(f.benchmark(), figure, (m.isEmpty() ? f.benchmark() : "its ruler " + f.ruler())
          + " not measured in this run"));
      return;
    }
    if (m.get().cpuNanosPerOp().isEmpty() || ruler.get().cpuNanosPerOp().isEmpty()) {
      rows.add(missing(f.benchmark(), figure, "no " + CpuTimeProfiler.CPU_NORM
          + " in this run (run with -prof " + CpuTimeProfiler.class.getName() + ")"));
      return;
    }
    double cpu = m.get().cpuNanosPerOp().getAsDouble();
    double rulerCpu = ruler.get().cpuNanosPerOp().getAsDouble();
    double ratio = cpu / rulerCpu;
    // Wall time, for the reader only: the ruler ran minutes apart, under another load.
    String wall = m.get().unit().equals(ruler.get().unit())
        ? String.format(Locale.ROOT, " (wall %.2f)", m.get().score() / ruler.get().score()) : "";
    if (f.cpuTimeRatio() == null) {
      rows.add(new Row(f.benchmark(), figure, ratio, Double.NaN, Double.NaN, Verdict.NOT_GUARDED,
          "", wall));
      return;
    }
    double limit = baseline.cpuTimeRatioLimit(f);
    Verdict verdict = ratio > limit || Double.isNaN(ratio) ? Verdict.REGRESSED : Verdict.OK;
    String why = verdict != Verdict.REGRESSED ? "" : String.format(Locale.ROOT,
        "CPU time %.2f x %s > limit %.2f (baseline %.2f; %s %,.0f ns/op, ruler %,.0f ns/op)",
        ratio, method(f.ruler()), limit, f.cpuTimeRatio(), method(f.benchmark()), cpu, rulerCpu);
    rows.add(new Row(f.benchmark(), figure, ratio, f.cpuTimeRatio(), limit, verdict, why, wall));
  }

  private static Row missing(String benchmark, String figure, String why) {
    return new Row(benchmark, figure, Double.NaN, Double.NaN, Double.NaN, Verdict.MISSING, why, "");
  }

  List<Row> failures() {
    return rows.stream().filter(r -> r.verdict().fails()).toList();
  }

  boolean passed() {
    return failures().isEmpty();
  }

  /** The table, the rulers' own figures, and the verdict, with every failing figure named. */
  void print(PrintStream out) {
    String line = "%-44s %-22s %12s %12s %12s  %s%n";
    out.printf(line, "Benchmark", "Figure", "Measured", "Baseline", "Limit", "Verdict");
    for (Row r : rows) {
      boolean bytes = r.figure().equals("B/op");
      out.printf(line, r.benchmark(), r.figure(), number(r.measured(), bytes),
          number(r.recorded(), bytes), number(r.limit(), bytes), r.verdict().text + r.note());
    }
    out.println();
    out.println("Rulers (not guarded): wall time, CPU time and allocation per operation");
    for (String name : new LinkedHashSet<>(baseline.figures().stream().map(Figure::ruler).toList())) {
      run.get(name).ifPresentOrElse(
          m -> out.printf(Locale.ROOT, "  %-42s %12.3f %s %12s ns/op CPU %10s B/op%n", name,
              m.score(), m.unit(), optional(m.cpuNanosPerOp()), optional(m.allocBytesPerOp())),
          () -> out.printf("  %-42s not measured%n", name));
    }
    out.println();
    List<Row> failed = failures();
    long guarded = rows.stream().filter(r -> r.verdict() != Verdict.NOT_GUARDED).count();
    if (failed.isEmpty()) {
      out.printf("JMH gate: PASSED, %d figures within their limits.%n", guarded);
      return;
    }
    out.printf("JMH gate: FAILED, %d of %d figures:%n", failed.size(), guarded);
    for (Row r : failed) {
      out.printf("  %s: %s%n", r.benchmark(), r.why());
    }
  }

  private static String optional(OptionalDouble value) {
    return value.isPresent() ? number(value.getAsDouble(), true) : "?";
  }

  private static String number(double value, boolean bytes) {
    if (Double.isNaN(value)) {
      return "-";
    }
    return String.format(Locale.ROOT, bytes ? "%,.0f" : "%.2f", value);
  }

  private static String method(String name) {
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(dot + 1);
  }
}

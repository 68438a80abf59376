package io.keygate.benchmarks.gate;

import io.keygate.benchmarks.gate.Baseline.Figure;
import io.keygate.benchmarks.gate.JmhResults.Measurement;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A run's figures against the baseline. Allocation per operation must stay under the recorded
 * value plus the tolerance. Time is never compared across runs: each guarded benchmark's score
 * is divided by its ruler's from the same run, and that ratio must stay under the recorded ratio
 * times the factor. A guarded benchmark the run did not measure fails the gate too, so a
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

  /** One line of the table: one figure of one benchmark. */
  record Row(String benchmark, String figure, double measured, double recorded, double limit,
      Verdict verdict, String why) {}

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
          Verdict.NOT_GUARDED, ""));
      return;
    }
    double recorded = f.allocBytesPerOp();
    double limit = baseline.allocLimit(recorded);
    Verdict verdict = measured > limit ? Verdict.REGRESSED
        : measured < recorded - (limit - recorded) ? Verdict.BETTER : Verdict.OK;
    String why = verdict != Verdict.REGRESSED ? "" : String.format(Locale.ROOT,
        "allocation %,.0f B/op > limit %,.0f B/op (baseline %,.0f, %+.0f %%)",
        measured, limit, recorded, 100 * (measured - recorded) / recorded);
    rows.add(new Row(f.benchmark(), "B/op", measured, recorded, limit, verdict, why));
  }

  private void time(Figure f) {
    String figure = "time / " + method(f.ruler());
    Optional<Measurement> m = run.get(f.benchmark());
    Optional<Measurement> ruler = run.get(f.ruler());
    if (m.isEmpty() || ruler.isEmpty()) {
      rows.add(missing(f.benchmark(), figure, (m.isEmpty() ? f.benchmark() : "its ruler " + f.ruler())
          + " not measured in this run"));
      return;
    }
    if (!m.get().unit().equals(ruler.get().unit())) {
      rows.add(missing(f.benchmark(), figure, "measured in " + m.get().unit() + " but its ruler in "
          + ruler.get().unit()));
      return;
    }
    double ratio = m.get().score() / ruler.get().score();
    if (f.timeRatio() == null) {
      rows.add(new Row(f.benchmark(), figure, ratio, Double.NaN, Double.NaN, Verdict.NOT_GUARDED, ""));
      return;
    }
    double limit = baseline.timeRatioLimit(f);
    Verdict verdict = ratio > limit || Double.isNaN(ratio) ? Verdict.REGRESSED : Verdict.OK;
    String why = verdict != Verdict.REGRESSED ? "" : String.format(Locale.ROOT,
        "time %.2f x %s > limit %.2f (baseline %.2f; %s %.3f %s, ruler %.3f %s)",
        ratio, method(f.ruler()), limit, f.timeRatio(), method(f.benchmark()), m.get().score(),
        m.get().unit(), ruler.get().score(), ruler.get().unit());
    rows.add(new Row(f.benchmark(), figure, ratio, f.timeRatio(), limit, verdict, why));
  }

  private static Row missing(String benchmark, String figure, String why) {
    return new Row(benchmark, figure, Double.NaN, Double.NaN, Double.NaN, Verdict.MISSING, why);
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
          number(r.recorded(), bytes), number(r.limit(), bytes), r.verdict().text);
    }
    out.println();
    out.println("Rulers (not guarded; time in the run's unit):");
    for (String name : new LinkedHashSet<>(baseline.figures().stream().map(Figure::ruler).toList())) {
      run.get(name).ifPresentOrElse(
          m -> out.printf(Locale.ROOT, "  %-42s %12.3f %s  %s B/op%n", name, m.score(), m.unit(),
              m.allocBytesPerOp().isPresent()
                  ? number(m.allocBytesPerOp().getAsDouble(), true) : "?"),
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

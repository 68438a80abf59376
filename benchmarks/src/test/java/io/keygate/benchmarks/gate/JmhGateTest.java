package io.keygate.benchmarks.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate on made-up JMH results: what passes, what fails and how it says so. */
class JmhGateTest {
  private static final String AUTH = "AuthenticationBenchmark.hsmScreenAndVerify";
  private static final String RULER = "HmacVerifyBenchmark.softwareVerify";

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final JmhGate gate = new JmhGate(
      new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

  @Test
  void check_passesWhenEveryFigureIsWithinItsLimit() throws Exception {
    int status = check(baseline(10_000, 80), results(result(AUTH, 32.0, 12_400.0), ruler(0.4)));

    assertThat(status).isEqualTo(JmhGate.PASSED);
    assertThat(out()).contains("JMH gate: PASSED, 2 figures within their limits.");
  }

  @Test
  void check_failsWhenAllocationExceedsTheRelativeTolerance_namingTheFigure() throws Exception {
    // 10,000 B/op recorded, +25 %: the limit is 12,500.
    int status = check(baseline(10_000, 80), results(result(AUTH, 32.0, 12_501.0), ruler(0.4)));

    assertThat(status).isEqualTo(JmhGate.REGRESSED);
    assertThat(out())
        .contains("JMH gate: FAILED, 1 of 2 figures:")
        .contains(AUTH + ": allocation 12,501 B/op > limit 12,500 B/op (baseline 10,000, +25 %)");
  }

  @Test
  void check_allowsTheAbsoluteToleranceForSmallAllocations() throws Exception {
    // 100 B/op recorded: 25 % would be 25 B, so the 512 B floor applies.
    assertThat(check(baseline(100, 80), results(result(AUTH, 32.0, 612.0), ruler(0.4))))
        .isEqualTo(JmhGate.PASSED);
    assertThat(check(baseline(100, 80), results(result(AUTH, 32.0, 613.0), ruler(0.4))))
        .isEqualTo(JmhGate.REGRESSED);
  }

  @Test
  void check_saysWhenAllocationFellBelowTheBand() throws Exception {
    int status = check(baseline(10_000, 80), results(result(AUTH, 32.0, 7_000.0), ruler(0.4)));

    assertThat(status).isEqualTo(JmhGate.PASSED);
    assertThat(out()).contains("ok, lower: refresh the baseline to keep it");
  }

  @Test
  void check_readsCpuTimeNotWallTime_soWaitingForACoreDoesNotFail() throws Exception {
    // The benchmark's fork waited for a core: 20 times the wall time, the same CPU time.
    int status = check(baseline(10_000, 80),
        results(result(AUTH, 640.0, 32_000.0, 10_000.0), ruler(0.4)));

    assertThat(status).isEqualTo(JmhGate.PASSED);
    assertThat(out()).contains("ok (wall 1600.00)");
  }

  @Test
  void check_readsTimeOnlyAsARatioToTheRuler() throws Exception {
    // Ten times slower than the baseline's run in absolute terms, but so is the ruler.
    assertThat(check(baseline(10_000, 80), results(result(AUTH, 320.0, 10_000.0), ruler(4.0))))
        .isEqualTo(JmhGate.PASSED);
  }

  @Test
  void check_failsWhenTheTimeRatioExceedsItsBound() throws Exception {
    // Recorded ratio 80, factor 3: the bound is 240; 100 / 0.4 = 250.
    int status = check(baseline(10_000, 80), results(result(AUTH, 100.0, 10_000.0), ruler(0.4)));

    assertThat(status).isEqualTo(JmhGate.REGRESSED);
    assertThat(out()).contains(
        AUTH + ": CPU time 250.00 x softwareVerify > limit 240.00 (baseline 80.00; hsmScreenAndVerify"
            + " 100,000 ns/op, ruler 400 ns/op)");
  }

  @Test
  void check_readsTheMedianIteration_soOneDisturbedIterationDoesNotDecide() throws Exception {
    // The mean, 100.75 / 0.4 = 252, is over the bound of 240; the median, 36.5 / 0.4 = 91.25, is not.
    String disturbed = result(AUTH, 100.75, 10_000.0)
        .replace("[[100750.0]]", "[[30000.0, 35000.0, 300000.0, 38000.0]]");

    assertThat(check(baseline(10_000, 80), results(disturbed, ruler(0.4)))).isEqualTo(JmhGate.PASSED);
    assertThat(out()).contains("91.25");
  }

  @Test
  void check_usesAFiguresOwnTimeFactor_andRefreshKeepsIt() throws Exception {
    Path baseline = Files.writeString(dir.resolve("own.json"), baselineJson("10000", "80")
        .replace("\"cpuTimeRatio\": 80}", "\"cpuTimeRatio\": 80, \"cpuTimeRatioFactor\": 4}"));
    Path run = results(result(AUTH, 100.0, 10_000.0), ruler(0.4));

    // 250 is over the baseline's 3 x 80 but within this figure's 4 x 80.
    assertThat(check(baseline, run)).isEqualTo(JmhGate.PASSED);
    assertThat(out()).contains("320.00");
    gate.run("refresh", baseline.toString(), run.toString());
    assertThat(Baseline.read(baseline).figures().get(0).cpuTimeRatioFactor()).isEqualTo(4.0);
  }

  @Test
  void check_failsWhenAGuardedBenchmarkWasNotMeasured() throws Exception {
    int status = check(baseline(10_000, 80), results(ruler(0.4)));

    assertThat(status).isEqualTo(JmhGate.REGRESSED);
    assertThat(out()).contains(AUTH + ": not measured in this run");
  }

  @Test
  void check_failsWhenTheRulerWasNotMeasured() throws Exception {
    int status = check(baseline(10_000, 80), results(result(AUTH, 32.0, 10_000.0)));

    assertThat(status).isEqualTo(JmhGate.REGRESSED);
    assertThat(out()).contains(AUTH + ": its ruler " + RULER + " not measured in this run");
  }

  @Test
  void check_failsWhenTheRunHadNoGcProfiler() throws Exception {
    int status = check(baseline(10_000, 80), results(result(AUTH, 32.0, null), ruler(0.4)));

    assertThat(status).isEqualTo(JmhGate.REGRESSED);
    assertThat(out()).contains("no gc.alloc.rate.norm in this run (run with -prof gc)");
  }

  @Test
  void check_failsWhenTheRunHadNoCpuTimeProfiler() throws Exception {
    int status = check(baseline(10_000, 80), results(result(AUTH, 32.0, null, 10_000.0), ruler(0.4)));

    assertThat(status).isEqualTo(JmhGate.REGRESSED);
    assertThat(out()).contains(
        "no cpu.time.norm in this run (run with -prof io.keygate.benchmarks.gate.CpuTimeProfiler)");
  }

  @Test
  void check_refusesUnusableFiles() throws Exception {
    Path notJson = Files.writeString(dir.resolve("broken.json"), "{not json");

    assertThat(gate.run("check", baseline(10_000, 80).toString(), notJson.toString()))
        .isEqualTo(JmhGate.UNUSABLE);
    assertThat(gate.run("check", notJson.toString(), notJson.toString())).isEqualTo(JmhGate.UNUSABLE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("broken.json");
  }

  @Test
  void refresh_writesTheRunsFigures_keepingTheListAndTheBounds() throws Exception {
    Path baseline = baseline(10_000, 80);

    int status = gate.run("refresh", baseline.toString(),
        results(result(AUTH, 36.0, 11_999.6), ruler(0.4)).toString(), "abc1234");

    assertThat(status).isEqualTo(JmhGate.PASSED);
    Baseline written = Baseline.read(baseline);
    assertThat(written.figures()).containsExactly(new Baseline.Figure(AUTH, RULER, 12_000.0, 90.0));
    assertThat(written.tolerancePercent()).isEqualTo(25);
    assertThat(written.cpuTimeRatioFactor()).isEqualTo(3);
    assertThat(written.recorded()).containsEntry("commit", "abc1234").containsEntry("jdk", "17.0.15");
    assertThat(Files.readString(baseline)).contains("\"allocBytesPerOp\": 12000,");
  }

  @Test
  void refresh_fillsAFigureNotGuardedYet() throws Exception {
    Path baseline = Files.writeString(dir.resolve("new.json"), baselineJson("null", "null"));

    assertThat(check(baseline, results(result(AUTH, 32.0, 10_000.0), ruler(0.4))))
        .isEqualTo(JmhGate.PASSED);
    assertThat(out()).contains("not guarded (no baseline figure)");
    gate.run("refresh", baseline.toString(),
        results(result(AUTH, 32.0, 10_000.0), ruler(0.4)).toString());
    assertThat(Baseline.read(baseline).figures().get(0).cpuTimeRatio()).isEqualTo(80.0);
  }

  @Test
  void benchmarks_listsAnAnchoredRegexpPerBenchmarkAndRuler() throws Exception {
    gate.run("benchmarks", baseline(10_000, 80).toString());

    assertThat(out().lines()).containsExactly(
        "\\.AuthenticationBenchmark\\.hsmScreenAndVerify$", "\\.HmacVerifyBenchmark\\.softwareVerify$");
  }

  @Test
  void benchmarks_fixesTheParametersAGuardedNameGives_joiningTheValuesOfOneParameter()
      throws Exception {
    Path baseline = Files.writeString(dir.resolve("baseline.json"), """
        {
          "about": "test", "recorded": {},
          "allocationTolerance": {"percent": 25, "bytes": 512}, "cpuTimeRatioFactor": 3,
          "figures": [
            {"benchmark": "W.warm(cachedKeys=1000)", "ruler": "W.software",
             "allocBytesPerOp": 300, "cpuTimeRatio": 28},
            {"benchmark": "W.warm(cachedKeys=50000,threads=2)", "ruler": "W.software",
             "allocBytesPerOp": 300, "cpuTimeRatio": 30}
          ]
        }
        """);

    assertThat(gate.run("benchmarks", baseline.toString())).isEqualTo(JmhGate.PASSED);
    assertThat(out().lines()).containsExactly(
        "\\.W\\.warm$", "\\.W\\.software$", "-p", "cachedKeys=1000,50000", "-p", "threads=2");
  }

  @Test
  void benchmarks_refusesAParameterThatIsNotNameEqualsValue() throws Exception {
    Path baseline = Files.writeString(dir.resolve("baseline.json"), """
        {
          "about": "test", "recorded": {},
          "allocationTolerance": {"percent": 25, "bytes": 512}, "cpuTimeRatioFactor": 3,
          "figures": [
            {"benchmark": "W.warm(cachedKeys)", "ruler": "W.software",
             "allocBytesPerOp": 300, "cpuTimeRatio": 28}
          ]
        }
        """);

    assertThat(gate.run("benchmarks", baseline.toString())).isEqualTo(JmhGate.UNUSABLE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'cachedKeys' is not name=value");
    assertThat(out()).isEmpty();
  }

  // ---- fixtures ----

  private int check(Path baseline, Path results) {
    return gate.run("check", baseline.toString(), results.toString());
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private Path baseline(double allocBytes, double timeRatio) throws Exception {
    return Files.writeString(dir.resolve("baseline.json"),
        baselineJson(String.valueOf(allocBytes), String.valueOf(timeRatio)));
  }

  private static String baselineJson(String allocBytes, String timeRatio) {
    return """
        {
          "about": "test",
          "recorded": {"jdk": "17.0.15", "commit": "0000000"},
          "allocationTolerance": {"percent": 25, "bytes": 512},
          "cpuTimeRatioFactor": 3,
          "figures": [
            {"benchmark": "%s", "ruler": "%s", "allocBytesPerOp": %s, "cpuTimeRatio": %s}
          ]
        }
        """.formatted(AUTH, RULER, allocBytes, timeRatio);
  }

  private Path results(String... runs) throws Exception {
    return Files.writeString(dir.resolve("results.json"), "[" + String.join(",", runs) + "]");
  }

  private static String ruler(double micros) {
    return result(RULER, micros, 464.0);
  }

  /** One benchmark whose CPU time per operation equals its wall time (one busy thread). */
  private static String result(String name, double micros, Double allocBytes) {
    return result(name, micros, micros * 1000, allocBytes);
  }

  /**
   * One benchmark as JMH 1.37 writes it with -prof gc and the CPU-time profiler (trimmed to the
   * fields the gate reads); a null figure leaves its profiler out.
   */
  private static String result(String name, double wallMicros, Double cpuNanos, Double allocBytes) {
    String cpu = cpuNanos == null ? "" : String.format(Locale.ROOT, """
        "cpu.time.norm": {"score": %s, "scoreError": 1.5, "scoreUnit": "ns/op", "rawData": [[%s]]}""",
        cpuNanos, cpuNanos);
    String gc = allocBytes == null ? "" : String.format(Locale.ROOT, """
        "gc.alloc.rate.norm": {"score": %s, "scoreError": 1.5, "scoreUnit": "B/op"}""", allocBytes);
    return String.format(Locale.ROOT, """
        {
          "jmhVersion": "1.37", "benchmark": "io.keygate.benchmarks.%s", "mode": "avgt",
          "threads": 1, "forks": 1, "jdkVersion": "17.0.15", "vmName": "OpenJDK 64-Bit Server VM",
          "vmVersion": "17.0.15+6-Debian-1deb12u1", "warmupIterations": 2, "warmupTime": "1 s",
          "measurementIterations": 4, "measurementTime": "1 s",
          "primaryMetric": {"score": %s, "scoreError": "NaN", "scoreUnit": "us/op",
                            "rawData": [[%s]]},
          "secondaryMetrics": {
            "gc.alloc.rate": {"score": 300.0, "scoreError": "NaN", "scoreUnit": "MB/sec"}%s%s
          }
        }""", name, wallMicros, wallMicros, cpu.isEmpty() ? "" : ",\n" + cpu,
        gc.isEmpty() ? "" : ",\n" + gc);
  }
}

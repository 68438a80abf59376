package io.keygate.benchmarks.gate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The CI gate on the benchmarks' figures (bin/jmh-gate runs it; docs/benchmarks.md):
 *
 * <pre>
 *   JmhGate benchmarks BASELINE                  JMH's arguments: the guarded benchmarks, rulers, params
 *   JmhGate check BASELINE RESULTS               compare a run with the baseline; exit 1 on a regression
 *   JmhGate refresh BASELINE RESULTS [COMMIT]    write this run's figures into BASELINE
 * </pre>
 *
 * Exit status: 0 passed (or written), 1 a figure regressed or is missing, 2 unusable input.
 */
public final class JmhGate {
  static final int PASSED = 0;
  static final int REGRESSED = 1;
  static final int UNUSABLE = 2;

  private final PrintStream out;
  private final PrintStream err;

  JmhGate(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new JmhGate(System.out, System.err).run(args));
  }

  int run(String... args) {
    try {
      if (args.length == 2 && args[0].equals("benchmarks")) {
        return benchmarks(Path.of(args[1]));
      }
      if (args.length == 3 && args[0].equals("check")) {
        return check(Path.of(args[1]), Path.of(args[2]));
      }
      if ((args.length == 3 || args.length == 4) && args[0].equals("refresh")) {
        return refresh(Path.of(args[1]), Path.of(args[2]), args.length == 4 ? args[3] : "?");
      }
      err.println("usage: JmhGate benchmarks BASELINE | check BASELINE RESULTS"
          + " | refresh BASELINE RESULTS [COMMIT]");
      return UNUSABLE;
    } catch (GateInputException e) {
      err.println("jmh-gate: " + e.getMessage());
      return UNUSABLE;
    } catch (IOException e) {
      err.println("jmh-gate: cannot read or write " + e.getMessage());
      return UNUSABLE;
    }
  }

  /**
   * JMH's arguments for the guarded benchmarks, one a line: an anchored regexp per benchmark, then
   * a {@code -p name=values} for the parameters the guarded names fix. A name is {@code
   * Class.method} or {@code Class.method(param=value,...)}, as {@link JmhResults} names runs; the
   * values of one parameter are joined, so JMH runs exactly the guarded ones (a -p that no
   * selected benchmark declares is ignored by JMH).
   */
  private int benchmarks(Path baselineFile) throws IOException, GateInputException {
    Set<String> patterns = new LinkedHashSet<>();
    Map<String, Set<String>> params = new LinkedHashMap<>();
    for (String name : Baseline.read(baselineFile).benchmarks()) {
      int open = name.indexOf('(');
      String method = open < 0 ? name : name.substring(0, open);
      // JMH matches a regexp against the full name; the gate's names are Class.method.
      patterns.add("\\." + method.replace(".", "\\.") + "$");
      if (open < 0) {
        continue;
      }
      if (!name.endsWith(")")) {
        throw new GateInputException("benchmark name " + name + " has no closing parenthesis");
      }
      for (String param : name.substring(open + 1, name.length() - 1).split(",")) {
        int eq = param.indexOf('=');
        if (eq <= 0 || eq == param.length() - 1) {
          throw new GateInputException("benchmark name " + name + ": parameter '" + param
              + "' is not name=value");
        }
        params.computeIfAbsent(param.substring(0, eq), k -> new LinkedHashSet<>())
            .add(param.substring(eq + 1));
      }
    }
    patterns.forEach(out::println);
    params.forEach((param, values) -> {
      out.println("-p");
      out.println(param + "=" + String.join(",", values));
    });
    return PASSED;
  }

  private int check(Path baselineFile, Path resultsFile) throws IOException, GateInputException {
    Baseline baseline = Baseline.read(baselineFile);
    JmhResults run = JmhResults.read(resultsFile);
    out.println("JMH gate: " + resultsFile + " against " + baselineFile);
    out.println("  this run: JDK " + run.jdkVersion() + ", " + run.settings());
    out.println("  baseline: JDK " + baseline.recorded().getOrDefault("jdk", "?") + ", "
        + baseline.recorded().getOrDefault("settings", "?") + ", recorded "
        + baseline.recorded().getOrDefault("utc", "?") + " at "
        + baseline.recorded().getOrDefault("commit", "?"));
    out.printf("  limits: allocation +%s %% or +%s B/op, whichever is larger; CPU time per"
            + " operation / the ruler's: %s x the recorded ratio, unless a figure sets its own%n",
        plain(baseline.tolerancePercent()), plain(baseline.toleranceBytes()),
        plain(baseline.cpuTimeRatioFactor()));
    String recordedJdk = baseline.recorded().getOrDefault("jdk", "?");
    if (!major(recordedJdk).equals(major(run.jdkVersion()))) {
      out.println("  WARNING: the baseline was recorded on JDK " + recordedJdk + ", this run is JDK "
          + run.jdkVersion() + ": allocation differs between JDKs; refresh the baseline on the"
          + " JDK the gate runs on.");
    }
    out.println();
    GateCheck check = GateCheck.of(baseline, run);
    check.print(out);
    if (!check.passed()) {
      out.println("A deliberate change (a new feature that costs allocation, a new JDK)? Refresh the"
          + " baseline: bash bin/jmh-gate --refresh, and commit it saying why (docs/benchmarks.md).");
    }
    return check.passed() ? PASSED : REGRESSED;
  }

  private int refresh(Path baselineFile, Path resultsFile, String commit)
      throws IOException, GateInputException {
    Baseline old = Baseline.read(baselineFile);
    JmhResults run = JmhResults.read(resultsFile);
    Map<String, String> recorded = new LinkedHashMap<>();
    recorded.put("utc", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    recorded.put("commit", commit);
    recorded.put("jdk", run.jdkVersion());
    recorded.put("vm", run.vm());
    recorded.put("settings", run.settings());
    Baseline refreshed = old.refreshedFrom(run, recorded);
    // What the old baseline says about this run, so the refresh shows what it changes.
    GateCheck.of(old, run).print(out);
    refreshed.write(baselineFile);
    out.println();
    out.println("jmh-gate: wrote this run's figures to " + baselineFile
        + "; review with git diff and commit it saying why.");
    return PASSED;
  }

  /** {@code 17.0.15} and {@code 17.0.15+6-Debian-1deb12u1} → {@code 17}. */
  static String major(String version) {
    int end = 0;
    while (end < version.length() && Character.isDigit(version.charAt(end))) {
      end++;
    }
    return version.substring(0, end);
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}

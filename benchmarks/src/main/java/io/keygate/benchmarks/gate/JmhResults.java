package io.keygate.benchmarks.gate;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What one JMH run measured, read from its JSON result file ({@code -rf json}): each benchmark's
 * time per operation and, when the run had the profilers, its allocation ({@code -prof gc}) and
 * CPU time ({@link CpuTimeProfiler}) per operation.
 */
final class JmhResults {
  static final String ALLOC_NORM = "gc.alloc.rate.norm";

  /**
   * One benchmark of the run, named like the gate names it: {@code Class.method(params)}. Every
   * figure is the median of the measurement iterations ({@link #median}).
   *
   * @param score wall time per operation, in {@code unit}
   */
  record Measurement(String name, double score, String unit, OptionalDouble allocBytesPerOp,
      OptionalDouble cpuNanosPerOp) {}

  private final Map<String, Measurement> byName;
  private final String jdkVersion;
  private final String vm;
  private final String settings;

  private JmhResults(Map<String, Measurement> byName, String jdkVersion, String vm, String settings) {
    this.byName = byName;
    this.jdkVersion = jdkVersion;
    this.vm = vm;
    this.settings = settings;
  }

  static JmhResults read(Path file) throws IOException, GateInputException {
    JsonElement root;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = JsonParser.parseReader(in);
    } catch (JsonParseException e) {
      throw new GateInputException(file + " is not JSON: " + e.getMessage());
    }
    if (!root.isJsonArray() || root.getAsJsonArray().isEmpty()) {
      throw new GateInputException(file + " holds no JMH results (expected the JSON array of -rf json)");
    }
    JsonArray runs = root.getAsJsonArray();
    Map<String, Measurement> byName = new LinkedHashMap<>();
    for (JsonElement element : runs) {
      Measurement m = measurement(file, element.getAsJsonObject());
      byName.put(m.name(), m);
    }
    JsonObject first = runs.get(0).getAsJsonObject();
    return new JmhResults(byName, text(first, "jdkVersion"),
        text(first, "vmName") + " " + text(first, "vmVersion"), settings(first));
  }

  private static Measurement measurement(Path file, JsonObject run) throws GateInputException {
    String name = shortName(text(run, "benchmark"), run.getAsJsonObject("params"));
    JsonObject primary = run.getAsJsonObject("primaryMetric");
    if (primary == null || !primary.has("score")) {
      throw new GateInputException(file + ": " + name + " has no primaryMetric.score");
    }
    JsonObject secondary = run.getAsJsonObject("secondaryMetrics");
    return new Measurement(name, median(primary), text(primary, "scoreUnit"),
        secondary(secondary, ALLOC_NORM), secondary(secondary, CpuTimeProfiler.CPU_NORM));
  }

  private static OptionalDouble secondary(JsonObject metrics, String name) {
    return metrics != null && metrics.has(name)
        ? OptionalDouble.of(median(metrics.getAsJsonObject(name))) : OptionalDouble.empty();
  }

  /**
   * The median of the measurement iterations (all forks), or JMH's score (their mean) when the
   * file has no raw data. The median, because on a shared machine one iteration can be disturbed
   * (another process, a GC at the wrong moment), and one slow iteration should not decide.
   */
  static double median(JsonObject metric) {
    JsonElement raw = metric.get("rawData");
    List<Double> values = new ArrayList<>();
    if (raw != null && raw.isJsonArray()) {
      for (JsonElement fork : raw.getAsJsonArray()) {
        for (JsonElement iteration : fork.getAsJsonArray()) {
          values.add(number(iteration));
        }
      }
    }
    if (values.isEmpty()) {
      return number(metric.get("score"));
    }
    Collections.sort(values);
    int n = values.size();
    return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
  }

  /** {@code io.keygate.benchmarks.HmacVerifyBenchmark.hsmVerify} → {@code HmacVerifyBenchmark.hsmVerify}. */
  static String shortName(String benchmark, JsonObject params) {
    String[] parts = benchmark.split("\\.");
    String name = parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
    if (params == null || params.isEmpty()) {
      return name;
    }
    StringBuilder withParams = new StringBuilder(name).append('(');
    new TreeMap<>(params.asMap()).forEach(
        (k, v) -> withParams.append(withParams.charAt(withParams.length() - 1) == '(' ? "" : ",")
            .append(k).append('=').append(v.getAsString()));
    return withParams.append(')').toString();
  }

  /** JMH writes "NaN" as a string when it has no number (one iteration has no error, for one). */
  private static double number(JsonElement value) {
    if (value == null || value.isJsonNull()) {
      return Double.NaN;
    }
    return value.getAsJsonPrimitive().isString()
        ? Double.parseDouble(value.getAsString()) : value.getAsDouble();
  }

  private static String text(JsonObject object, String field) {
    JsonElement value = object.get(field);
    return value == null || value.isJsonNull() ? "?" : value.getAsString();
  }

  private static String settings(JsonObject run) {
    return "-f " + text(run, "forks") + " -wi " + text(run, "warmupIterations") + " -w "
        + text(run, "warmupTime").replace(" ", "") + " -i " + text(run, "measurementIterations")
        + " -r " + text(run, "measurementTime").replace(" ", "") + " -t " + text(run, "threads");
  }

  Optional<Measurement> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The JDK that ran the benchmarks, e.g. {@code 17.0.15}. */
  String jdkVersion() {
    return jdkVersion;
  }

  String vm() {
    return vm;
  }

  /** How the run was made, in JMH's options: forks, warm-up and measurement. */
  String settings() {
    return settings;
  }
}

package io.keygate.benchmarks.gate;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.keygate.benchmarks.gate.JmhResults.Measurement;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The committed figures the gate compares a run with ({@code benchmarks/baseline.json}): which
 * benchmarks are guarded, each against which ruler, the allocation and CPU-time ratio recorded
 * for it, and the bounds. Written only by a deliberate refresh ({@code bin/jmh-gate --refresh}).
 *
 * @param recorded where the figures come from (time, commit, JDK, JMH settings), for people
 * @param tolerancePercent allocation may grow by this much...
 * @param toleranceBytes ...or by this many bytes per operation, whichever is larger
 * @param cpuTimeRatioFactor a run's CPU-time ratio may be this many times the recorded one (a
 *     figure may have its own)
 */
record Baseline(
    String about,
    Map<String, String> recorded,
    double tolerancePercent,
    double toleranceBytes,
    double cpuTimeRatioFactor,
    List<Figure> figures) {

  /**
   * One guarded benchmark. A null figure is not guarded (yet): a refresh fills it in.
   *
   * @param ruler the benchmark, measured in the same run, whose time divides this one's
   * @param allocBytesPerOp {@code gc.alloc.rate.norm} recorded for it
   * @param cpuTimeRatio its CPU time per operation divided by the ruler's, recorded
   * @param cpuTimeRatioFactor this figure's own factor, for a ratio that is noisier than most;
   *     null: the baseline's
   */
  record Figure(String benchmark, String ruler, Double allocBytesPerOp, Double cpuTimeRatio,
      Double cpuTimeRatioFactor) {

    Figure(String benchmark, String ruler, Double allocBytesPerOp, Double cpuTimeRatio) {
      this(benchmark, ruler, allocBytesPerOp, cpuTimeRatio, null);
    }
  }

  Baseline {
    recorded = Map.copyOf(recorded);
    figures = List.copyOf(figures);
    if (tolerancePercent < 0 || toleranceBytes < 0 || cpuTimeRatioFactor < 1 || figures.stream()
        .anyMatch(f -> f.cpuTimeRatioFactor() != null && f.cpuTimeRatioFactor() < 1)) {
      throw new IllegalArgumentException("tolerances must be >= 0 and the time factor >= 1");
    }
  }

  /** The most a figure's allocation may reach before the gate fails. */
  double allocLimit(double recordedBytes) {
    return recordedBytes + Math.max(recordedBytes * tolerancePercent / 100, toleranceBytes);
  }

  double cpuTimeRatioLimit(Figure figure) {
    return figure.cpuTimeRatio()
        * (figure.cpuTimeRatioFactor() != null ? figure.cpuTimeRatioFactor() : cpuTimeRatioFactor);
  }

  /** Every benchmark the gate's run must measure: the guarded ones and their rulers. */
  Set<String> benchmarks() {
    Set<String> names = new LinkedHashSet<>();
    for (Figure f : figures) {
      names.add(f.benchmark());
      names.add(f.ruler());
    }
    return names;
  }

  /**
   * The same guarded list, tolerances and bounds with this run's figures: what a refresh writes.
   *
   * @throws GateInputException if the run lacks a guarded benchmark, its ruler or its allocation
   */
  Baseline refreshedFrom(JmhResults run, Map<String, String> newRecord) throws GateInputException {
    List<Figure> refreshed = new ArrayList<>();
    for (Figure f : figures) {
      Measurement m = required(run, f.benchmark());
      Measurement ruler = required(run, f.ruler());
      if (m.allocBytesPerOp().isEmpty()) {
        throw new GateInputException(f.benchmark() + " has no " + JmhResults.ALLOC_NORM
            + ": the run needs -prof gc");
      }
      if (m.cpuNanosPerOp().isEmpty() || ruler.cpuNanosPerOp().isEmpty()) {
        throw new GateInputException(f.benchmark() + " or its ruler has no "
            + CpuTimeProfiler.CPU_NORM + ": the run needs -prof " + CpuTimeProfiler.class.getName());
      }
      refreshed.add(new Figure(f.benchmark(), f.ruler(),
          (double) Math.round(m.allocBytesPerOp().getAsDouble()),
          significant(m.cpuNanosPerOp().getAsDouble() / ruler.cpuNanosPerOp().getAsDouble()),
          f.cpuTimeRatioFactor()));
    }
    return new Baseline(
        about, newRecord, tolerancePercent, toleranceBytes, cpuTimeRatioFactor, refreshed);
  }

  private static Measurement required(JmhResults run, String name) throws GateInputException {
    Optional<Measurement> m = run.get(name);
    if (m.isEmpty()) {
      throw new GateInputException(name + " was not measured in this run");
    }
    return m.get();
  }

  private static double significant(double value) {
    return new BigDecimal(value).round(new MathContext(4)).doubleValue();
  }

  static Baseline read(Path file) throws IOException, GateInputException {
    JsonObject root;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = JsonParser.parseReader(in).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new GateInputException(file + " is not a JSON object: " + e.getMessage());
    }
    try {
      JsonObject tolerance = root.getAsJsonObject("allocationTolerance");
      Map<String, String> recorded = new LinkedHashMap<>();
      if (root.has("recorded")) {
        root.getAsJsonObject("recorded").asMap().forEach((k, v) -> recorded.put(k, v.getAsString()));
      }
      List<Figure> figures = new ArrayList<>();
      for (JsonElement e : root.getAsJsonArray("figures")) {
        JsonObject f = e.getAsJsonObject();
        figures.add(new Figure(f.get("benchmark").getAsString(), f.get("ruler").getAsString(),
            optional(f, "allocBytesPerOp"), optional(f, "cpuTimeRatio"),
            optional(f, "cpuTimeRatioFactor")));
      }
      return new Baseline(root.has("about") ? root.get("about").getAsString() : "", recorded,
          tolerance.get("percent").getAsDouble(), tolerance.get("bytes").getAsDouble(),
          root.get("cpuTimeRatioFactor").getAsDouble(), figures);
    } catch (RuntimeException e) {
      // A missing field shows up as a NullPointerException or a ClassCastException from Gson.
      throw new GateInputException(file + " is not a gate baseline (" + e + "); see docs/benchmarks.md");
    }
  }

  private static Double optional(JsonObject object, String field) {
    JsonElement value = object.get(field);
    return value == null || value.isJsonNull() ? null : value.getAsDouble();
  }

  /** Fields in a fixed order, so that a refresh's diff shows only the figures that moved. */
  void write(Path file) throws IOException {
    JsonObject root = new JsonObject();
    root.addProperty("about", about);
    JsonObject rec = new JsonObject();
    recordedInOrder().forEach(rec::addProperty);
    root.add("recorded", rec);
    JsonObject tolerance = new JsonObject();
    tolerance.addProperty("percent", tidy(tolerancePercent));
    tolerance.addProperty("bytes", tidy(toleranceBytes));
    root.add("allocationTolerance", tolerance);
    root.addProperty("cpuTimeRatioFactor", tidy(cpuTimeRatioFactor));
    JsonArray list = new JsonArray();
    for (Figure f : figures) {
      JsonObject o = new JsonObject();
      o.addProperty("benchmark", f.benchmark());
      o.addProperty("ruler", f.ruler());
      o.addProperty("allocBytesPerOp", tidy(f.allocBytesPerOp()));
      o.addProperty("cpuTimeRatio", tidy(f.cpuTimeRatio()));
      if (f.cpuTimeRatioFactor() != null) {
        o.addProperty("cpuTimeRatioFactor", tidy(f.cpuTimeRatioFactor()));
      }
      list.add(o);
    }
    root.add("figures", list);
    String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
        .create().toJson(root);
    Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
  }

  /** 25 rather than 25.0: the file is read by people too. */
  private static Number tidy(Double value) {
    if (value == null) {
      return null;
    }
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? (Number) value.longValue() : value;
  }

  private Map<String, String> recordedInOrder() {
    Map<String, String> ordered = new LinkedHashMap<>();
    for (String key : List.of("utc", "commit", "jdk", "vm", "settings")) {
      if (recorded.containsKey(key)) {
        ordered.put(key, recorded.get(key));
      }
    }
    recorded.keySet().stream().sorted().forEach(k -> ordered.putIfAbsent(k, recorded.get(k)));
    return ordered;
  }
}

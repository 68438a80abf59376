package io.keygate.gateway.node;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a node's settings come from: the environment, over an optional config file. The result
 * is one map of {@code KEYGATE_*} names to values that NodeSettings reads exactly as it reads the
 * environment, so a value means the same and is checked the same wherever it was written. A
 * variable set (not empty) in the environment wins over the file's line.
 */
public final class SettingsSource {
  private final Map<String, String> values;
  private final Optional<ConfigFile> file;
  private final List<String> overridden;

  private SettingsSource(Map<String, String> values, Optional<ConfigFile> file,
      List<String> overridden) {
    this.values = Map.copyOf(values);
    this.file = file;
    this.overridden = List.copyOf(overridden);
  }

  /** The environment alone, as GatewayMain has always read it. */
  public static SettingsSource environment(Map<String, String> environment) {
    return new SettingsSource(environment, Optional.empty(), List.of());
  }

  /**
   * The config file's settings, each overridden by its variable when the environment sets it.
   *
   * @throws SettingsException if the file is missing, unreadable or malformed (unknown or repeated
   *     key, a line that is not {@code key = value}, a secret written in it)
   */
  public static SettingsSource file(Path configFile, Map<String, String> environment)
      throws SettingsException {
    ConfigFile config = ConfigFile.read(configFile);
    Map<String, String> merged = new HashMap<>();
    List<String> overridden = new java.util.ArrayList<>();
    config.entries().forEach((variable, entry) -> {
      String fromEnvironment = environment.get(variable);
      if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
        overridden.add(variable);
      } else {
        merged.put(variable, entry.value());
      }
    });
    environment.forEach((name, value) -> {
      if (value != null && !value.isEmpty()) {
        merged.put(name, value);
      }
    });
    overridden.sort(null);
    return new SettingsSource(merged, Optional.of(config), overridden);
  }

  /** Every setting by its variable's name, ready for {@link NodeSettings#fromEnvironment}. */
  public Map<String, String> values() {
    return values;
  }

  /** The file's settings that the environment overrode, by variable name (sorted). */
  public List<String> overridden() {
    return overridden;
  }

  /** The config file, if the settings come from one. */
  public Optional<Path> configFile() {
    return file.map(ConfigFile::file);
  }

  /**
   * The problem told where the operator will fix it: the file and line for a value from the file,
   * the file alone for a required setting that neither sets; the variable otherwise.
   */
  public SettingsException locate(SettingsException e) {
    if (file.isEmpty() || !e.variable().startsWith(NodeVariables.PREFIX)) {
      return e;
    }
    String variable = e.variable();
    ConfigFile.Entry entry = file.get().entries().get(variable);
    if (entry != null && !overridden.contains(variable)) {
      return e.at(file.get().file() + ":" + entry.line(), entry.key());
    }
    if (values.containsKey(variable) || overridden.contains(variable)) {
      return e; // the environment's value: named as the variable it is
    }
    // Set nowhere (a required setting, or one another setting needs): add it to the file.
    return e.at(file.get().file().toString(), NodeVariables.key(variable));
  }

  @Override
  public String toString() {
    // Values may hold a PIN (KEYGATE_HSM_PIN from the environment): never print them.
    return "SettingsSource[" + values.size() + " values"
        + file.map(f -> ", file " + f.file()).orElse("") + "]";
  }
}

package io.keygate.gateway.node;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node's config file (docs/operations.md, "A node from a config file"): one {@code key = value}
 * a line, keys the {@code KEYGATE_*} variables in lower case without the prefix, {@code #} starting
 * a comment line. Values are taken as the rest of the line, trimmed: no quoting, no inline
 * comments (a JDBC or Redis URL may hold a {@code #}). Checked here for form only (unknown or
 * repeated keys, secrets); what a value means is NodeSettings' business, as for a variable.
 *
 * @param file the file, as given (messages name it so)
 * @param entries variable name to its entry, in file order
 */
record ConfigFile(Path file, Map<String, Entry> entries) {

  /** One setting: its value and the line it is on. */
  record Entry(String key, String value, int line) {
    @Override
    public String toString() {
      // The value may be a path to a secret, or a secret mistyped into the wrong key.
      return "Entry[" + key + " at line " + line + "]";
    }
  }

  /** The config file as an argument: for messages about the file as a whole. */
  static final String OPTION = "--config";

  static ConfigFile read(Path file) throws SettingsException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SettingsException(OPTION, "no such file: " + file);
    } catch (CharacterCodingException e) {
      throw new SettingsException(OPTION, file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new SettingsException(OPTION,
          "cannot read " + file + ": " + e.getClass().getSimpleName());
    }
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      int number = i + 1;
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = file + ":" + number;
      int equals = line.indexOf('=');
      if (equals <= 0) {
        throw new SettingsException(OPTION, "expected key = value").at(where);
      }
      String key = line.substring(0, equals).strip();
      String value = line.substring(equals + 1).strip();
      Optional<String> variable = NodeVariables.forKey(key);
      if (variable.isEmpty()) {
        throw new SettingsException(OPTION, "unknown setting '" + key + "'; settings are the"
            + " KEYGATE_* variables in lower case without the prefix, e.g. listen")
            .at(where);
      }
      if (NodeVariables.SECRETS.contains(variable.get())) {
        throw new SettingsException(variable.get(), "a secret is never written in the config"
            + " file: name a 0600 file holding it with " + key + "_file").at(where, key);
      }
      Entry previous = entries.put(variable.get(), new Entry(key, value, number));
      if (previous != null) {
        throw new SettingsException(variable.get(),
            "set twice (first on line " + previous.line() + ")").at(where, key);
      }
    }
    return new ConfigFile(file, Map.copyOf(entries));
  }
}

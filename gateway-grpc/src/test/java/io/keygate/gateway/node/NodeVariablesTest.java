package io.keygate.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The settings a config file accepts are the variables the node reads and the documentation
 * lists: a new variable that is left out of NodeVariables would be refused in a file as unknown.
 */
class NodeVariablesTest {
  private static final Pattern LITERAL = Pattern.compile("\"(KEYGATE_[A-Z0-9_]+)\"");
  private static final Pattern TABLE_ROW = Pattern.compile("^\\| (`KEYGATE_[^|]+)\\|");
  private static final Pattern NAME = Pattern.compile("KEYGATE_[A-Z0-9_]+");

  @Test
  void everyVariableInTheSources_isKnown() throws IOException {
    Set<String> read = new HashSet<>();
    try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
      for (Path source : (Iterable<Path>) sources.filter(p -> p.toString().endsWith(".java")
          && !p.endsWith("NodeVariables.java"))::iterator) {
        Matcher m = LITERAL.matcher(Files.readString(source));
        while (m.find()) {
          read.add(m.group(1));
        }
      }
    }
    assertThat(read).hasSizeGreaterThan(40);
    assertThat(NodeVariables.NODE).containsAll(read);
    assertThat(read).containsAll(NodeVariables.NODE);
  }

  @Test
  void theDocumentedTable_isExactlyTheKnownVariables() throws IOException {
    Set<String> documented = new HashSet<>();
    for (String line : Files.readAllLines(Path.of("../docs/operations.md"))) {
      Matcher row = TABLE_ROW.matcher(line);
      if (row.find()) {
        Matcher name = NAME.matcher(row.group(1));
        while (name.find()) {
          documented.add(name.group());
        }
      }
    }
    Set<String> known = new HashSet<>(NodeVariables.NODE);
    known.addAll(NodeVariables.LAUNCHER);
    // KEYGATE_DB_PASSWORD: the environment's alternative to the password file, in config-store.md.
    known.remove("KEYGATE_DB_PASSWORD");
    assertThat(documented).isEqualTo(known);
  }

  @Test
  void keys_areTheVariablesInLowerCaseWithoutThePrefix() {
    assertThat(NodeVariables.forKey("listen")).contains("KEYGATE_LISTEN");
    assertThat(NodeVariables.forKey("expected_credentials")).contains("KEYGATE_EXPECTED_CREDENTIALS");
    assertThat(NodeVariables.forKey("LISTEN")).isEmpty();
    assertThat(NodeVariables.forKey("keygate_listen")).isEmpty();
    assertThat(NodeVariables.forKey("path")).isEmpty();
    assertThat(NodeVariables.key("KEYGATE_ADMIN_CA_FILE")).isEqualTo("admin_ca_file");
  }
}

package io.keygate.gateway.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps section 8 of docs/signature-spec.md, the list a client writer handles, in step with
 * {@link GatewayError}: a code added to the enum and not to the spec fails here, so the list
 * cannot rot. Each code must appear, with its fixed message, on one line of that section.
 */
class SignatureSpecErrorCodesTest {
  private static final String SPEC = "docs/signature-spec.md";

  @Test
  void failureResponsesSection_listsEveryGatewayErrorCodeWithItsMessage() throws IOException {
    List<String> lines = failureResponsesSection(Files.readString(spec(), StandardCharsets.UTF_8));
    List<String> missing = new ArrayList<>();
    for (GatewayError error : GatewayError.values()) {
      String code = "`" + error.code() + "`";
      boolean listed = lines.stream().anyMatch(l -> l.contains(code) && l.contains(error.message()));
      if (!listed) {
        missing.add(error + " (" + error.code() + ": " + error.message() + ")");
      }
    }
    assertThat(missing).as("codes missing from section 8 of " + SPEC).isEmpty();
  }

  @Test
  void failureResponsesSection_givesEachNonAuthenticationCodeItsStatus() throws IOException {
    List<String> lines = failureResponsesSection(Files.readString(spec(), StandardCharsets.UTF_8));
    List<String> wrong = new ArrayList<>();
    for (GatewayError error : GatewayError.values()) {
      if (error.status() == io.grpc.Status.Code.UNAUTHENTICATED
          || error.status() == io.grpc.Status.Code.PERMISSION_DENIED) {
        continue; // one table per status, introduced by it
      }
      String row = "| `" + error.status() + "` | `" + error.code() + "` |";
      if (lines.stream().noneMatch(l -> l.startsWith(row))) {
        wrong.add(error + ": no row starting " + row);
      }
    }
    assertThat(wrong).isEmpty();
  }

  /** The lines from "## 8." up to the next section. */
  private static List<String> failureResponsesSection(String spec) {
    List<String> section = new ArrayList<>();
    boolean in = false;
    for (String line : spec.split("\n", -1)) {
      if (line.startsWith("## ")) {
        in = line.startsWith("## 8.");
      }
      if (in) {
        section.add(line);
      }
    }
    assertThat(section).as("section 8 of " + SPEC).isNotEmpty();
    return section;
  }

  /** Walks up from the working directory (a module's, under Maven) to the repository's root. */
  private static Path spec() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(SPEC);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(SPEC + " not found above " + System.getProperty("user.dir"));
  }
}

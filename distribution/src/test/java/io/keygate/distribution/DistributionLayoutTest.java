package io.keygate.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The unpacked archive (target/keygate-VERSION/keygate-VERSION, the same tree as the .tar.gz): its
 * scripts run from lib/* alone, with nothing of the repository on the class path.
 */
class DistributionLayoutTest {
  static final Path HOME = Path.of(System.getProperty("keygate.distribution.dir"));

  @Test
  void archive_holdsTheScriptsAndOneJarPerArtifact() throws IOException {
    for (String script : List.of("keygate", "keystore-admin", "echo-backend", "keygate-jvm-options")) {
      assertThat(HOME.resolve("bin").resolve(script)).isExecutable();
    }
    assertThat(HOME.resolve("softhsm-config/create-token.sh")).isExecutable();
    assertThat(HOME.resolve("clients/python/live_call.py")).isRegularFile();
    assertThat(HOME.resolve("docs/first-start.sh")).isRegularFile();
    List<String> jars;
    try (Stream<Path> lib = Files.list(HOME.resolve("lib"))) {
      jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(jars).anyMatch(j -> j.startsWith("keygate-gateway-grpc-"))
        .anyMatch(j -> j.startsWith("keygate-keystore-admin-"))
        .anyMatch(j -> j.startsWith("keygate-launcher-"))
        .anyMatch(j -> j.startsWith("keygate-demo-backend-"))
        .allMatch(j -> j.endsWith(".jar"))
        // The runnable fat jars of the repository's scripts would put every class in twice.
        .noneMatch(j -> j.equals("keystore-admin.jar") || j.equals("echo-backend.jar"))
        .noneMatch(j -> j.contains("junit") || j.contains("assertj"));
    // Two versions of one artifact on a lib/* class path: whichever the JVM lists first wins.
    Pattern versioned = Pattern.compile("(.+?)-\\d[^-]*(-[A-Za-z]+)?\\.jar");
    Map<String, List<String>> byArtifact = jars.stream().collect(Collectors.groupingBy(j -> {
      Matcher m = versioned.matcher(j);
      return m.matches() ? m.group(1) : j;
    }));
    assertThat(byArtifact).allSatisfy((artifact, versions) -> assertThat(versions).hasSize(1));
  }

  @Test
  void scripts_runFromTheArchiveAlone() throws Exception {
    Run keygate = run("bin/keygate", "--help");
    assertThat(keygate.status).isZero();
    assertThat(keygate.out).contains("init", "serve");
    Run version = run("bin/keygate", "--version");
    assertThat(version.out).startsWith("keygate ").doesNotContain("development");
    Run admin = run("bin/keystore-admin", "--help");
    assertThat(admin.status).isZero();
    assertThat(admin.out).contains("bootstrap");
    Run backend = run("bin/echo-backend", "--help");
    assertThat(backend.status).isZero();
  }

  record Run(int status, String out) {}

  static Run run(String... command) throws Exception {
    command[0] = HOME.resolve(command[0]).toString();
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        // Not the repository: the archive must not need it.
        .directory(HOME.toFile()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
    return new Run(process.exitValue(), out);
  }
}

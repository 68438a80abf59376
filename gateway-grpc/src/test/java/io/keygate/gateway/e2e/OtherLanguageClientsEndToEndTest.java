package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Node.js and Python clients in {@code clients/} (issue 14) against a real gateway node: each
 * one's own tests (the shared vectors, its interceptor), then one signed Echo call per language
 * through TLS, and the same call with a wrong secret, which the gateway must refuse. Missing
 * tools fail the test with the command that installs them: CI must not pass by skipping.
 */
class OtherLanguageClientsEndToEndTest extends GatewayEndToEnd {
  /** Debian's grpcio is installed for the system interpreter, not for a pyenv one on the PATH. */
  private static final String PYTHON = "/usr/bin/python3";
  private static final String INSTALL = "run 'bash bin/install-prereqs' (or: ";
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @TempDir static Path dir;
  private static Path repo;
  private static Path caFile;
  private static Path secretFile;
  private static Path wrongSecretFile;

  @BeforeAll
  static void writeTrustAndSecrets() throws Exception {
    repo = repositoryRoot();
    caFile = dir.resolve("gateway.pem");
    Files.writeString(caFile, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(gw.gatewayCert.getEncoded())
        + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
    // As an officer hands it out: standard base64, and the newline a file usually ends with.
    secretFile = secretFile("secret.txt", gw.acmeKey.secret().unsafeCopy());
    byte[] wrong = new byte[32];
    new SecureRandom().nextBytes(wrong);
    wrongSecretFile = secretFile("wrong-secret.txt", wrong);
  }

  @Test
  void node_vectorAndInterceptorTests_pass() throws Exception {
    requireNode();
    List<String> command = new ArrayList<>(List.of("node", "--test"));
    try (Stream<Path> files = Files.list(repo.resolve("clients/node/test"))) {
      files.filter(p -> p.getFileName().toString().endsWith(".test.js")).sorted()
          .forEach(p -> command.add(p.toString()));
    }
    assertThat(command).hasSizeGreaterThan(2);
    Result r = run(command, repo.resolve("clients/node"));
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).contains("# fail 0");
  }

  @Test
  void python_vectorAndInterceptorTests_pass() throws Exception {
    requirePythonGrpc();
    Path python = repo.resolve("clients/python");
    Result r = run(List.of(PYTHON, "-m", "unittest", "discover", "-s", python.toString(),
        "-t", python.toString(), "-v"), python);
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).contains("test_sign_reproducesEveryConformingVector").doesNotContain("skipped");
  }

  @Test
  void node_signedEchoThroughTheGateway_isAnswered() throws Exception {
    requireNode();
    Result r = run(nodeLiveCall(secretFile, "hello from node"), repo.resolve("clients/node"));
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).contains("OK message=hello from node backend=acme-backend")
        // the request id of a successful call (spec revision 2.1), as RequestIds makes it
        .containsPattern("request-id=[0-9a-f]{16}-[0-9a-f]{16}");
  }

  @Test
  void node_wrongSecret_isRefusedByTheGateway() throws Exception {
    requireNode();
    Result r = run(nodeLiveCall(wrongSecretFile, "forged"), repo.resolve("clients/node"));
    assertThat(r.exit).as(r.output).isEqualTo(1);
    assertThat(r.output).contains("FAILED UNAUTHENTICATED InvalidSignature");
  }

  @Test
  void python_signedEchoThroughTheGateway_isAnswered() throws Exception {
    requirePythonGrpc();
    Result r = run(pythonLiveCall(secretFile, "hello from python"), repo.resolve("clients/python"));
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).contains("OK message=hello from python backend=acme-backend")
        // the request id of a successful call (spec revision 2.1), as RequestIds makes it
        .containsPattern("request-id=[0-9a-f]{16}-[0-9a-f]{16}");
  }

  @Test
  void python_wrongSecret_isRefusedByTheGateway() throws Exception {
    requirePythonGrpc();
    Result r = run(pythonLiveCall(wrongSecretFile, "forged"), repo.resolve("clients/python"));
    assertThat(r.exit).as(r.output).isEqualTo(1);
    assertThat(r.output).contains("FAILED UNAUTHENTICATED InvalidSignature");
  }

  private static List<String> nodeLiveCall(Path secret, String message) {
    List<String> command = new ArrayList<>(List.of("node", "test/live-call.js"));
    command.addAll(liveCallArguments(secret, message));
    return command;
  }

  private static List<String> pythonLiveCall(Path secret, String message) {
    List<String> command = new ArrayList<>(List.of(PYTHON, "live_call.py"));
    command.addAll(liveCallArguments(secret, message));
    return command;
  }

  /** The API is acme's, on domain localhost: the authority names it and its port, as dialled. */
  private static List<String> liveCallArguments(Path secret, String message) {
    int port = gw.gateway.port();
    return List.of("--port", Integer.toString(port), "--authority", "localhost:" + port,
        "--ca-file", caFile.toString(), "--access-key", gw.acmeKey.accessKey(),
        "--secret-file", secret.toString(), "--message", message);
  }

  private static void requireNode() throws Exception {
    Result version = tryRun(List.of("node", "--version"), repo);
    if (version == null || version.exit != 0) {
      fail("Node.js is missing: " + INSTALL + "apt-get install nodejs npm)");
    }
    int major = Integer.parseInt(version.output.trim().replaceFirst("^v(\\d+).*$", "$1"));
    if (major < 18) {
      fail("clients/node needs Node.js 18 or newer (node:test), found " + version.output.trim());
    }
    Path node = repo.resolve("clients/node");
    if (!Files.isDirectory(node.resolve("node_modules/@grpc/grpc-js"))) {
      Result ci = tryRun(List.of("npm", "ci", "--no-audit", "--no-fund"), node);
      if (ci == null || ci.exit != 0) {
        fail("clients/node has no node_modules and 'npm ci' failed: " + INSTALL
            + "apt-get install npm; cd clients/node && npm ci)\n" + (ci == null ? "" : ci.output));
      }
    }
  }

  private static void requirePythonGrpc() throws Exception {
    Result r = tryRun(List.of(PYTHON, "-c", "import grpc"), repo);
    if (r == null || r.exit != 0) {
      fail(PYTHON + " cannot import grpc: " + INSTALL + "apt-get install python3-grpcio)");
    }
  }

  /** The clone this test runs in: the first directory up from the module that holds clients/. */
  private static Path repositoryRoot() {
    for (Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("clients/node/package.json"))) {
        return p;
      }
    }
    return fail("no clients/ directory above " + System.getProperty("user.dir"));
  }

  private static Path secretFile(String name, byte[] secret) throws IOException {
    Path file = Files.createFile(dir.resolve(name),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, Base64.getEncoder().encodeToString(secret) + "\n", StandardCharsets.US_ASCII);
    java.util.Arrays.fill(secret, (byte) 0);
    return file;
  }

  private record Result(int exit, String output) {}

  /** Null when the program cannot be started at all (not installed). */
  private static Result tryRun(List<String> command, Path workDir) throws Exception {
    try {
      return run(command, workDir);
    } catch (IOException e) {
      return null;
    }
  }

  private static Result run(List<String> command, Path workDir) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(out.toFile());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = builder.start();
    if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return fail(String.join(" ", command) + " did not finish in " + TIMEOUT + ":\n" + Files.readString(out));
    }
    return new Result(p.exitValue(), Files.readString(out));
  }
}

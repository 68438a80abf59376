package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Node.js and Python clients in {@code clients/} (issue 14) against a real gateway node: each
 * one's own tests (the shared vectors, its interceptor), then one signed Echo call per language
 * through TLS, and the same call with a wrong secret, which the gateway must refuse. Then signature
 * version 2 (spec section 13) from each: a client-streaming call whose every message is chained
 * passes, and the same call altered, with a message dropped, reordered or its end cut off in
 * transit is refused with the v2 code while the backend never gets the bad message (nor sees the
 * call complete). Missing tools fail the test with the command that installs them: CI must not
 * pass by skipping.
 */
class OtherLanguageClientsEndToEndTest {
  /** Debian's grpcio is installed for the system interpreter, not for a pyenv one on the PATH. */
  private static final String PYTHON = "/usr/bin/python3";
  private static final String INSTALL = "run 'bash bin/install-prereqs' (or: ";
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;
  /** What the backend's calls received, as "text" per message, then "tag:complete" or "tag:cancel". */
  static final LinkedBlockingQueue<String> backendSaw = new LinkedBlockingQueue<>();

  @TempDir static Path dir;
  private static Path repo;
  private static Path caFile;
  private static Path secretFile;
  private static Path wrongSecretFile;

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new GatewayFixture(tokens)
        .withBackendServices(fixture -> service -> ServerInterceptors.intercept(service, new RecordMessages()))
        .start("gateway", List.of());
    writeTrustAndSecrets();
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  private static void writeTrustAndSecrets() throws Exception {
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
    assertThat(r.output).contains("# fail 0")
        .contains("a version-2 signer seals every case's payloads into its envelopes and end marker");
  }

  @Test
  void python_vectorAndInterceptorTests_pass() throws Exception {
    requirePythonGrpc();
    Path python = repo.resolve("clients/python");
    Result r = run(List.of(PYTHON, "-m", "unittest", "discover", "-s", python.toString(),
        "-t", python.toString(), "-v"), python);
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).contains("test_sign_reproducesEveryConformingVector")
        .contains("test_envelopes_sealEveryCasesPayloadsIntoItsEnvelopesAndEndMarker")
        .doesNotContain("skipped");
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

  @ParameterizedTest(name = "{0}")
  @CsvSource({"node", "python"})
  void v2_clientStreamingCallWithEveryMessageSigned_passesThroughTheGateway(String language)
      throws Exception {
    String tag = language + "-v2";
    Result r = runClient(language, List.of("--collect", "--message", tag + "/0 order",
        "--message", tag + "/1 item", "--message", tag + "/2 confirm"));
    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).contains("OK message=" + tag + "/0 order" + tag + "/1 item" + tag
        + "/2 confirm backend=acme-backend index=3");
    assertThat(backendEventsUpToTheEnd(tag))
        .containsExactly(tag + "/0 order", tag + "/1 item", tag + "/2 confirm", tag + ":complete");
  }

  /**
   * The client library's own v2 signature and envelopes, changed in transit by the live-call
   * program (--tamper), then sent to the gateway: refused with the v2 code, and the backend gets
   * at most the messages before the bad one and never sees the call complete.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "node, alter, InvalidMessageSignature", "node, drop, InvalidMessageSignature",
      "node, reorder, InvalidMessageSignature", "node, truncate, StreamTruncated",
      "python, alter, InvalidMessageSignature", "python, drop, InvalidMessageSignature",
      "python, reorder, InvalidMessageSignature", "python, truncate, StreamTruncated"})
  void v2_chainChangedInTransit_isRefused_andTheBackendNeverGetsTheBadMessage(
      String language, String tampering, String code) throws Exception {
    String tag = language + "-" + tampering;
    List<String> texts = List.of(tag + "/0 pay 1 EUR to bob", tag + "/1 from account A",
        tag + "/2 confirm");
    List<String> arguments = new ArrayList<>(List.of("--collect", "--tamper", tampering));
    texts.forEach(t -> arguments.addAll(List.of("--message", t)));
    Result r = runClient(language, arguments);
    assertThat(r.exit).as(r.output).isEqualTo(1);
    assertThat(r.output).contains("FAILED UNAUTHENTICATED " + code);
    // Truncated: every message was good and may have arrived, only the end is missing.
    List<String> allowed = tampering.equals("truncate") ? texts : texts.subList(0, 1);
    assertNeverCompletedHavingSeenAtMost(tag, allowed);
  }

  private Result runClient(String language, List<String> extra) throws Exception {
    List<String> command;
    Path workDir;
    if (language.equals("node")) {
      requireNode();
      command = new ArrayList<>(List.of("node", "test/live-call.js"));
      workDir = repo.resolve("clients/node");
    } else {
      requirePythonGrpc();
      command = new ArrayList<>(List.of(PYTHON, "live_call.py"));
      workDir = repo.resolve("clients/python");
    }
    command.addAll(connectionArguments(secretFile));
    command.addAll(extra);
    return run(command, workDir);
  }

  /** The backend's events of the call tagged {@code tag}, up to its end. */
  private static List<String> backendEventsUpToTheEnd(String tag) throws InterruptedException {
    List<String> events = new ArrayList<>();
    while (true) {
      String event = backendSaw.poll(30, TimeUnit.SECONDS);
      assertThat(event).as("the backend's call tagged " + tag + " ends").isNotNull();
      if (!event.startsWith(tag + "/") && !event.startsWith(tag + ":")) {
        continue; // another test's
      }
      events.add(event);
      if (event.equals(tag + ":complete") || event.equals(tag + ":cancel")) {
        return events;
      }
    }
  }

  /**
   * The backend never saw the call tagged {@code tag} complete and received at most {@code
   * allowed}, in order. A refused call may reach the backend partly or not at all, so a signed
   * sentinel call through the same node (and its one connection to the backend) marks the point
   * by which every event of the refused call has arrived.
   */
  private static void assertNeverCompletedHavingSeenAtMost(String tag, List<String> allowed)
      throws Exception {
    String sentinel = tag + "-sentinel";
    EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .echo(EchoRequest.newBuilder().setMessage(sentinel + "/0").build());
    List<String> events = new ArrayList<>();
    while (true) {
      String event = backendSaw.poll(30, TimeUnit.SECONDS);
      assertThat(event).as("the sentinel reaches the backend").isNotNull();
      if (event.equals(sentinel + ":complete")) {
        break;
      }
      if (event.startsWith(tag + "/") || event.startsWith(tag + ":")) {
        events.add(event);
      }
    }
    assertThat(events).doesNotContain(tag + ":complete");
    assertThat(String.join("\n", events)).doesNotContain("mallory");
    List<String> messages = events.stream().filter(e -> !e.equals(tag + ":cancel")).toList();
    assertThat(messages.size()).isLessThanOrEqualTo(allowed.size());
    assertThat(messages).isEqualTo(allowed.subList(0, messages.size()));
  }

  /** Records what the backend's calls receive and how they end, tagged by their first message. */
  private static final class RecordMessages implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      return new SimpleForwardingServerCallListener<Q>(next.startCall(call, headers)) {
        private String tag = "?";

        @Override
        public void onMessage(Q message) {
          String text = ((EchoRequest) message).getMessage();
          if (tag.equals("?")) {
            tag = text.split("/", 2)[0];
          }
          backendSaw.add(text);
          super.onMessage(message);
        }

        @Override
        public void onCancel() {
          backendSaw.add(tag + ":cancel");
          super.onCancel();
        }

        @Override
        public void onComplete() {
          backendSaw.add(tag + ":complete");
          super.onComplete();
        }
      };
    }
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

  private static List<String> liveCallArguments(Path secret, String message) {
    List<String> arguments = new ArrayList<>(connectionArguments(secret));
    arguments.addAll(List.of("--message", message));
    return arguments;
  }

  /** The API is acme's, on domain localhost: the authority names it and its port, as dialled. */
  private static List<String> connectionArguments(Path secret) {
    int port = gw.gateway.port();
    return List.of("--port", Integer.toString(port), "--authority", "localhost:" + port,
        "--ca-file", caFile.toString(), "--access-key", gw.acmeKey.accessKey(),
        "--secret-file", secret.toString());
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

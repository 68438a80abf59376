package io.keygate.demo.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The program a user starts (bin/echo-backend runs the same main from its jar), run as a real
 * process on the test's classpath and called with a real gRPC client over the port it printed.
 */
class EchoBackendMainTest {
  private static final Pattern LISTENING =
      Pattern.compile("echo backend acme-backend listening on 127\\.0\\.0\\.1:(\\d+) .*");
  private Process process;
  private Path stderr;

  @AfterEach
  void stopProcess() throws InterruptedException, IOException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    if (stderr != null) {
      Files.deleteIfExists(stderr);
    }
  }

  @Test
  void main_onPortZero_printsItsAddress_answersEchoAndHealth_andStopsOnSigterm() throws Exception {
    process = start("--port", "0", "--name", "acme-backend");
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
    Matcher listening = LISTENING.matcher(first);
    assertThat(listening.matches()).as("first line: %s; stderr: %s", first, stderr()).isTrue();
    int port = Integer.parseInt(listening.group(1));

    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      EchoResponse response =
          EchoServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .echo(EchoRequest.newBuilder().setMessage("hello").build());
      assertThat(response.getMessage()).isEqualTo("hello");
      assertThat(response.getBackend()).isEqualTo("acme-backend");
      ServingStatus status =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .check(HealthCheckRequest.newBuilder().setService(EchoServiceGrpc.SERVICE_NAME).build())
              .getStatus();
      assertThat(status).isEqualTo(ServingStatus.SERVING);
    } finally {
      channel.shutdownNow().awaitTermination(30, TimeUnit.SECONDS);
    }

    // SIGTERM, through the handle: Process.destroy() would also close our end of its stdout.
    assertThat(process.toHandle().destroy()).isTrue();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
    String rest = CompletableFuture.supplyAsync(() -> readRest(out)).get(30, TimeUnit.SECONDS);
    assertThat(rest).contains("echo backend acme-backend stopped");
    // 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran.
    assertThat(process.exitValue()).isEqualTo(143);
  }

  @Test
  void main_badPort_exitsTwoNamingTheOption() throws Exception {
    process = start("--port", "nine");
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(stderr()).contains("--port must be a number").contains("usage: echo-backend");
  }

  private Process start(String... args) throws IOException {
    // Surefire puts the test classpath (this module, proto, gRPC) in java.class.path.
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                EchoBackendMain.class.getName()));
    command.addAll(List.of(args));
    stderr = Files.createTempFile("echo-backend-", ".err");
    return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
  }

  private String stderr() throws IOException {
    return Files.readString(stderr);
  }

  private static String readLine(BufferedReader out) {
    try {
      String line = out.readLine();
      return line == null ? "<no output>" : line;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String readRest(BufferedReader out) {
    StringBuilder rest = new StringBuilder();
    try {
      for (String line; (line = out.readLine()) != null; ) {
        rest.append(line).append('\n');
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return rest.toString();
  }
}

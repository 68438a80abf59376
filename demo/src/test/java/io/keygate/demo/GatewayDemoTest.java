package io.keygate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.hsm.testing.SoftHsmTokens;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as bin/demo runs it, on a fresh token and store: what it prints is what a newcomer
 * reads first, so each call's verdict is pinned here.
 */
class GatewayDemoTest {
  @RegisterExtension
  static SoftHsmTokens tokens = new SoftHsmTokens("keygate-demo", "keygate-demo-serve");

  @Test
  void run_onAFreshTokenAndStore_showsSignedCallsPassingAndEveryOtherRefused(@TempDir Path data)
      throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      new GatewayDemo(out).run(tokens.config("keygate-demo"), tokens.pinFile(), tokens.soPinFile(),
          data);
    }
    String output = printed.toString(StandardCharsets.UTF_8);

    assertThat(output)
        .contains("generated the gateway's TLS key (EC P-256) inside the HSM")
        .contains("Generated key-encryption key demo-kek inside the HSM")
        .containsPattern("the config store holds it only as a 40-byte blob wrapped under KEK"
            + " demo-kek")
        .doesNotContain("value readable")
        .containsPattern("signed unary Echo +-> OK  \"hello from acme-app\" answered by acme-backend")
        .containsPattern("signed server-streaming EchoStream x3 +-> OK  3 responses")
        .containsPattern("unsigned Echo +-> REFUSED  UNAUTHENTICATED MissingSignatureHeader")
        .containsPattern(
            "tampered Echo \\(body changed after signing\\) +-> REFUSED  UNAUTHENTICATED BodyDigestMismatch")
        .containsPattern("first use of a signed request +-> OK  hello from acme-app")
        .containsPattern("replay of that exact request +-> REFUSED  UNAUTHENTICATED ReplayedNonce")
        .containsPattern("Chat sent to acme's domain +-> REFUSED  UNIMPLEMENTED UnknownApi")
        .containsPattern(
            "acme-app calling Chat on globex's domain +-> REFUSED  PERMISSION_DENIED"
                + " CrossTenantNotAuthorized");
  }
  /**
   * bin/demo --serve: after the calls the node keeps serving, and what it prints (the port, the
   * certificate file, the AccessKey and the secret file) is enough for a client outside the demo
   * to make a signed call; it stops when told to.
   */
  @Test
  void serve_leavesANodeACallerCanReach_withTheFilesItPrints(@TempDir Path work) throws Exception {
    Path data = work.resolve("data");
    Files.createDirectories(data);
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CompletableFuture<String> serving = new CompletableFuture<>();
    ByteArrayOutputStream printed = new ByteArrayOutputStream() {
      @Override
      public synchronized void write(byte[] b, int off, int len) {
        super.write(b, off, len);
        String text = toString(StandardCharsets.UTF_8);
        if (text.contains("(0600)")) {
          serving.complete(text);
        }
      }
    };
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    CompletableFuture<Void> demo = CompletableFuture.runAsync(() -> {
      try {
        // A token of its own: SunPKCS11 keeps a token's login for the life of the JVM.
        new GatewayDemo(out).run(tokens.config("keygate-demo-serve"), tokens.pinFile(),
            tokens.soPinFile(), data, Optional.of(stop));
      } catch (Exception e) {
        serving.completeExceptionally(e);
        throw new IllegalStateException(e);
      }
    });
    try {
      String text = serving.get(180, TimeUnit.SECONDS);
      Matcher port = Pattern.compile("Serving on 127\\.0\\.0\\.1:(\\d+)").matcher(text);
      Matcher key = Pattern.compile("acme-app: AccessKey (\\S+),").matcher(text);
      assertThat(port.find()).isTrue();
      assertThat(key.find()).isTrue();
      Path secretFile = work.resolve("acme-app.secret");
      assertThat(Files.getPosixFilePermissions(secretFile))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

      ManagedChannel channel = NettyChannelBuilder
          .forAddress("localhost", Integer.parseInt(port.group(1)))
          .sslContext(GrpcSslContexts.forClient()
              .trustManager(work.resolve("gateway.pem").toFile()).build())
          .build();
      try {
        String reply = EchoServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel,
                SigningClientInterceptor.create(key.group(1),
                    AccessSecret.fromBase64(Files.readString(secretFile)))))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .echo(EchoRequest.newBuilder().setMessage("from outside the demo").build())
            .getMessage();
        assertThat(reply).isEqualTo("from outside the demo");
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    } finally {
      stop.complete(null);
      demo.get(60, TimeUnit.SECONDS);
    }
  }
}

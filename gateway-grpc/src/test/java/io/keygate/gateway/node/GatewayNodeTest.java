package io.keygate.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole node built the production way (GatewayNode from environment variables) over a real
 * token and H2: it serves TLS with the HSM key, and whether it stops or fails halfway through
 * starting, it gives back its port, its database and its token session.
 */
class GatewayNodeTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("node");
  static X509Certificate tlsCert;

  @BeforeAll
  static void tlsKey() throws Exception {
    try (SunPkcs11Token hsm = tokens.open("node")) {
      KeyLabel label = KeyLabel.of("gateway-tls");
      hsm.generateEcKey(label, CertificateProfile.localhost("keygate-node", Duration.ofDays(1)));
      tlsCert = hsm.certificateChain(label).get(0);
    }
  }

  @Test
  void aNodeFromTheEnvironment_servesTls_andFreesItsPortWhenClosed() throws Exception {
    int port = freePort();
    Map<String, String> env = env(port);
    try (GatewayNode node = GatewayNode.start(env)) {
      assertThat(node.port()).isEqualTo(port);
      assertThat(node.adminPort()).isEmpty();
      assertThat(health(port)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
    // The same port, data directory and token again: everything was given back.
    try (GatewayNode again = GatewayNode.start(env)) {
      assertThat(health(port)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
  }

  @Test
  void aNodeThatFailsHalfwayThroughStarting_givesBackWhatItHadStarted() throws Exception {
    int port = freePort();
    Map<String, String> env = env(port);
    Map<String, String> broken = new HashMap<>(env);
    Path adminCa = Files.createTempFile("keygate-admin-ca-", ".pem");
    Files.writeString(adminCa, pem(tlsCert));
    broken.put("KEYGATE_ADMIN_CA_FILE", adminCa.toString());
    // The data plane is up by the time the admin API finds its port taken.
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      broken.put("KEYGATE_ADMIN_LISTEN", "127.0.0.1:" + taken.getLocalPort());

      assertThatThrownBy(() -> GatewayNode.start(broken)).isInstanceOf(java.io.IOException.class);
    }

    try (GatewayNode node = GatewayNode.start(env)) {
      assertThat(node.port()).isEqualTo(port);
      assertThat(health(port)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }
  }

  @Test
  void plaintextDevMode_isLoudOnStderr_andServesLoopbackOnlyUnlessOverridden() throws Exception {
    int port = freePort();
    Map<String, String> env = env(port);
    env.put("KEYGATE_PLAINTEXT_DEV", "true");
    java.io.PrintStream realErr = System.err;
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    try (GatewayNode node = GatewayNode.start(env)) {
      assertThat(node.port()).isEqualTo(port);
    } finally {
      System.setErr(realErr);
    }
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("KEYGATE PLAINTEXT DEVELOPMENT MODE").contains("NO TLS");

    Map<String, String> noListen = new HashMap<>(env);
    noListen.remove("KEYGATE_LISTEN");
    assertThat(NodeSettings.fromEnvironment(noListen).gateway().listen().getAddress().isLoopbackAddress())
        .as("plaintext defaults to loopback").isTrue();

    Map<String, String> remote = new HashMap<>(env);
    remote.put("KEYGATE_LISTEN", "0.0.0.0:" + port);
    assertThatThrownBy(() -> GatewayNode.start(remote))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("KEYGATE_LISTEN")
        .hasMessageContaining("KEYGATE_PLAINTEXT_DEV_ALLOW_REMOTE");
    remote.put("KEYGATE_PLAINTEXT_DEV_ALLOW_REMOTE", "true");
    assertThat(NodeSettings.fromEnvironment(remote).gateway().listen().getAddress().isAnyLocalAddress())
        .isTrue();
  }

  @Test
  void theEmbeddedDataDirectory_isOwnerOnly() throws Exception {
    Path parent = Files.createTempDirectory("keygate-perm-");
    Path fresh = parent.resolve("data");
    Path open = Files.createDirectory(parent.resolve("open"),
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
    for (Path dir : new Path[] {fresh, open}) {
      Map<String, String> env = env(freePort());
      env.put("KEYGATE_DATA_DIR", dir.toString());
      try (GatewayNode node = GatewayNode.start(env)) {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir)))
            .as(dir.toString()).isEqualTo("rwx------");
      }
    }
  }

  @Test
  void aMissingRequiredVariable_isNamed() {
    assertThatThrownBy(() -> GatewayNode.start(Map.of()))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("KEYGATE_HSM_CONFIG");
  }

  private static Map<String, String> env(int port) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("KEYGATE_HSM_CONFIG", tokens.config("node").toString());
    env.put("KEYGATE_HSM_PIN_FILE", tokens.pinFile().toString());
    env.put("KEYGATE_TLS_KEY", "gateway-tls");
    env.put("KEYGATE_LISTEN", "127.0.0.1:" + port);
    env.put("KEYGATE_DATA_DIR", Files.createTempDirectory("keygate-node-").toString());
    return env;
  }

  private static String pem(X509Certificate cert) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static HealthCheckResponse.ServingStatus health(int port) throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forAddress("localhost", port)
        .sslContext(GrpcSslContexts.forClient().trustManager(tlsCert).build())
        .build();
    try {
      return HealthGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    } finally {
      ch.shutdownNow();
      ch.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}

package io.keygate.admin.online;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.testing.CliRunner;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.proto.admin.v1.AdminServiceGrpc;
import io.keygate.proto.admin.v1.BulkIssuedCredential;
import io.keygate.proto.admin.v1.CreateCredentialsRequest;
import io.keygate.proto.admin.v1.CreateCredentialsResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code credential bulk-create} against an in-process admin service that wraps secrets the way a
 * gateway's HSM does (a transport key RSA-OAEP-encrypted to the run's key, each secret RFC 5649
 * under it): the CLI opens them, writes a new 0600 file and never prints a secret.
 */
class BulkCreateVerbTest {
  @TempDir Path tmp;
  private final WrappingAdmin fake = new WrappingAdmin();
  private Server server;
  private CliEnvironment env;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(fake).build().start();
    env = CliRunner.environment(Map.of("KEYGATE_ADMIN_SERVER", "admin.example:8444"))
        .withAdminChannels(e -> InProcessChannelBuilder.forName(name).directExecutor().build());
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  @Test
  void bulkCreate_writesAccessKeySecretLines_toA0600File_inCallsOfAtMostPerCall() throws Exception {
    Path file = tmp.resolve("load.secrets");
    Result r = CliRunner.run(env, "credential", "bulk-create", "--tenant", "acme", "--count",
        "25", "--app-prefix", "load-", "--grant", "api-echo", "--per-call", "10",
        "--secret-out", file.toString());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(fake.requests).extracting(CreateCredentialsRequest::getAppIdsCount)
        .containsExactly(10, 10, 5);
    assertThat(fake.requests.get(2).getAppIds(4)).isEqualTo("load-25");
    assertThat(fake.requests).allSatisfy(q -> {
      assertThat(q.getTenantId()).isEqualTo("acme");
      assertThat(q.getGrantApiIdsList()).containsExactly("api-echo");
    });
    assertThat(fake.requests.get(0).getRecipientPublicKey())
        .as("one one-time key for the run").isEqualTo(fake.requests.get(2).getRecipientPublicKey());
    List<String> expected = new ArrayList<>();
    fake.secrets.forEach((key, secret) ->
        expected.add(key + "," + Base64.getEncoder().encodeToString(secret)));
    assertThat(Files.readAllLines(file)).containsExactlyElementsOf(expected).hasSize(25);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(r.out()).contains("Created 25 apps (load-1 to load-25) in tenant acme");
    for (byte[] secret : fake.secrets.values()) {
      assertThat(r.out() + r.err()).doesNotContain(Base64.getEncoder().encodeToString(secret));
    }
  }

  @Test
  void bulkCreate_refusesAnExistingFile_beforeCallingTheServer() throws Exception {
    Path taken = Files.writeString(tmp.resolve("taken"), "keep me");
    Result r = CliRunner.run(env, "credential", "bulk-create", "--tenant", "acme", "--count",
        "3", "--app-prefix", "x-", "--secret-out", taken.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
    assertThat(fake.requests).as("no credential was issued whose secret would be lost").isEmpty();
    assertThat(Files.readString(taken)).isEqualTo("keep me");
  }

  @Test
  void aFailedLaterCall_keepsTheEarlierSecrets_andSaysWhichAppsExist() throws Exception {
    fake.failAfter = 1;
    Path file = tmp.resolve("partial.secrets");
    Result r = CliRunner.run(env, "credential", "bulk-create", "--tenant", "acme", "--count",
        "8", "--app-prefix", "p-", "--per-call", "5", "--secret-out", file.toString());
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertThat(r.err()).contains("5 credentials (apps p-1 to p-5) were created");
    assertThat(Files.readAllLines(file)).hasSize(5);
  }

  /** Issues like a gateway with a KEK, in software: what the CLI receives is the same. */
  private static final class WrappingAdmin extends AdminServiceGrpc.AdminServiceImplBase {
    final List<CreateCredentialsRequest> requests = new ArrayList<>();
    final Map<String, byte[]> secrets = new LinkedHashMap<>();
    int failAfter = Integer.MAX_VALUE;
    private final SecureRandom random = new SecureRandom();

    @Override
    public void createCredentials(CreateCredentialsRequest req,
        StreamObserver<CreateCredentialsResponse> out) {
      requests.add(req);
      if (requests.size() > failAfter) {
        out.onError(Status.UNAVAILABLE.withDescription("the HSM is unavailable")
            .asRuntimeException());
        return;
      }
      try {
        PublicKey recipient = KeyFactory.getInstance("RSA").generatePublic(
            new X509EncodedKeySpec(req.getRecipientPublicKey().toByteArray()));
        KeyGenerator aes = KeyGenerator.getInstance("AES");
        aes.init(256);
        SecretKey transport = aes.generateKey();
        Cipher rsa = Cipher.getInstance(OneTimeRecipient.CIPHER);
        rsa.init(Cipher.ENCRYPT_MODE, recipient);
        CreateCredentialsResponse.Builder reply = CreateCredentialsResponse.newBuilder()
            .setKekId("kek-test")
            .setTransportKeyForRecipient(ByteString.copyFrom(rsa.doFinal(transport.getEncoded())));
        Cipher kwp = Cipher.getInstance("AES/KWP/NoPadding", "SunJCE");
        for (String app : req.getAppIdsList()) {
          byte[] secret = new byte[32];
          random.nextBytes(secret);
          String key = "AK" + app.toUpperCase().replace("-", "");
          secrets.put(key, secret);
          kwp.init(Cipher.ENCRYPT_MODE, transport);
          reply.addCredentials(BulkIssuedCredential.newBuilder().setAppId(app).setAccessKey(key)
              .setSecretWrapped(ByteString.copyFrom(kwp.doFinal(secret))));
        }
        out.onNext(reply.build());
        out.onCompleted();
      } catch (Exception e) {
        out.onError(Status.INTERNAL.withCause(e).asRuntimeException());
      }
    }
  }
}

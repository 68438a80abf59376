package io.keygate.admin.system;

import static io.keygate.admin.system.Person.ACME_ADMIN;
import static io.keygate.admin.system.Person.ALICE;
import static io.keygate.admin.system.Person.BOB;
import static io.keygate.admin.system.Person.MALLORY;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.keygate.admin.system.RealGateway.CliSession;
import io.keygate.admin.testing.CliRunner.Result;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dual control with keystore-admin against a real gateway node (KEYGATE_APPROVALS_REQUIRED=2):
 * an officer asks, another officer's approval runs it, the requester's own second approval does
 * not count. Destroying a retired credential's HSM key, and rotating the data plane's TLS key
 * while a stream stays open.
 */
class DualControlSystemTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("dual");
  @TempDir static Path dir;
  private static RealGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = RealGateway.start(hsm, "dual", dir);
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void destroyKey_runsOnlyWhenASecondOfficerApproves_andIsAuditedUnderThem() {
    CliSession alice = gateway.as(ALICE);
    CliSession bob = gateway.as(BOB);
    alice.ok("app", "create", "--tenant", "acme", "--id", "legacy", "--name", "Legacy");
    // Issued by acme's admin: an officer alone never holds a working secret of a tenant's app.
    String accessKey = gateway.as(ACME_ADMIN).json("credential", "create", "--tenant", "acme",
        "--app", "legacy",
        "--secret-out", gateway.file("legacy.secret").toString()).get("accessKey").getAsString();
    String label = alice.json("credential", "list", "--tenant", "acme", "--app", "legacy")
        .getAsJsonArray("credentials").get(0).getAsJsonObject()
        .get("secretKeyLabel").getAsString();

    Result live = alice.run(
        "approval", "request", "destroy-key", "--label", label, "--reason", "too early");
    assertThat(live.exitCode()).as("destroying a live credential's key: %s", live).isEqualTo(5);
    assertThat(live.err()).contains("FAILED_PRECONDITION KeyInUse");

    alice.ok("credential", "revoke", "--tenant", "acme", "--access-key", accessKey);
    JsonObject requested = alice.json("approval", "request", "destroy-key", "--label", label,
        "--reason", "revoked credential, ticket 7");
    String id = requested.get("id").getAsString();
    assertThat(requested.get("state").getAsString()).isEqualTo("pending");
    assertThat(requested.get("requiredApprovals").getAsInt()).isEqualTo(2);
    assertThat(requested.getAsJsonArray("approvals")).hasSize(1);

    Result twice = alice.run("approval", "approve", id);
    assertThat(twice.exitCode()).as(twice.toString()).isEqualTo(5);
    assertThat(twice.err()).contains("FAILED_PRECONDITION AlreadyApproved");
    assertThat(approval(id, false).get("state").getAsString())
        .as("still pending after the requester's second approval").isEqualTo("pending");

    Result approved = bob.ok("approval", "approve", id);
    assertThat(approved.out())
        .startsWith("request " + id + " executed (2 of 2 approvals): destroy HSM key " + label);

    JsonObject ended = approval(id, true);
    assertThat(ended.get("state").getAsString()).isEqualTo("executed");
    assertThat(officers(ended)).hasSize(2)
        .anySatisfy(o -> assertThat(o).contains("CN=alice"))
        .anySatisfy(o -> assertThat(o).contains("CN=bob"));
    JsonObject run = onlyRecord(alice.json("audit", "query", "--action", "key.destroy"));
    assertThat(run.get("target").getAsString()).isEqualTo("hsm/key/" + label);
    assertThat(run.get("outcome").getAsString()).isEqualTo("SUCCESS");
    assertThat(run.get("actor").getAsString()).contains("CN=bob");
    assertThat(run.get("detail").getAsString()).contains(id);

    Result gone = alice.run(
        "approval", "request", "destroy-key", "--label", label, "--reason", "once more");
    assertThat(gone.exitCode()).as("the key is gone: %s", gone).isEqualTo(5);
    assertThat(gone.err()).contains("NOT_FOUND KeyNotFound");
  }

  @Test
  void tlsRotation_servesTheNewKeyToNewConnections_onceApproved_whileAnOpenStreamContinues()
      throws Exception {
    CliSession alice = gateway.as(ALICE);
    CliSession acmeAdmin = gateway.as(ACME_ADMIN);
    alice.ok("app", "create", "--tenant", "acme", "--id", "mobile", "--name", "Mobile");
    for (String[] api : new String[][] {{"echo", RealGateway.ECHO}, {"chat", RealGateway.CHAT}}) {
      acmeAdmin.ok("api", "register", "--tenant", "acme", "--id", api[0],
          "--domain", RealGateway.ACME_DOMAIN, "--method", api[1],
          "--backend", gateway.backendTarget());
      acmeAdmin.ok("grant", "add", "--tenant", "acme", "--app", "mobile", "--api", api[0]);
    }
    Path secret = gateway.file("mobile.secret");
    String accessKey = acmeAdmin.json("credential", "create", "--tenant", "acme", "--app", "mobile",
        "--secret-out", secret.toString()).get("accessKey").getAsString();
    X509Certificate oldCert = gateway.bootstrapTlsCertificate();

    // A client connected before the rotation, with a bidi stream open across it.
    Channel before = RealGateway.signing(gateway.channelTrusting(oldCert), accessKey, secret);
    LinkedBlockingQueue<String> echoed = new LinkedBlockingQueue<>();
    CompletableFuture<Void> finished = new CompletableFuture<>();
    StreamObserver<EchoRequest> stream = EchoServiceGrpc.newStub(before)
        .withDeadlineAfter(60, TimeUnit.SECONDS)
        .chat(collector(echoed, finished));
    stream.onNext(message("before"));
    assertThat(echoed.poll(30, TimeUnit.SECONDS)).isEqualTo("before");

    JsonObject prepared = alice.json("tls", "prepare", "--label", "gateway-tls-2",
        "--cn", "keygate-gateway", "--dns", "localhost", "--ip", "127.0.0.1");
    X509Certificate newCert = certificate(prepared.get("certificateChainPem").getAsString());
    assertThat(prepared.getAsJsonArray("servedBy")).isEmpty();
    assertThat(prepared.get("subject").getAsString())
        .isEqualTo("SERIALNUMBER=gateway-tls-2,CN=keygate-gateway");
    // The admin CA's key (it signs officers' certificates) is no TLS key: not listed, and never
    // served on the public port, whatever two officers approve.
    assertThat(alice.json("tls", "list").getAsJsonArray("keys").toString())
        .doesNotContain("admin-ca");
    Result caKey = alice.run("approval", "request", "activate-tls-key", "--label", "admin-ca",
        "--reason", "mistake");
    assertThat(caKey.exitCode()).as("activating the admin CA key: %s", caKey).isEqualTo(5);
    assertThat(caKey.err()).contains("NOT_FOUND TlsKeyNotFound");
    assertThat(statusOfEcho(newCert, accessKey, secret))
        .as("prepared is not served").isEqualTo(Status.Code.UNAVAILABLE);

    String id = alice.json("approval", "request", "activate-tls-key", "--label", "gateway-tls-2",
        "--listener", "ingress", "--reason", "yearly rotation").get("id").getAsString();
    assertThat(statusOfEcho(newCert, accessKey, secret))
        .as("requested is not served").isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(gateway.as(BOB).ok("approval", "approve", id).out())
        .startsWith("request " + id + " executed (2 of 2 approvals)");

    // The approving node switches at once: no waiting for its follower's next poll.
    assertThat(statusOfEcho(newCert, accessKey, secret)).isEqualTo(Status.Code.OK);
    assertThat(statusOfEcho(oldCert, accessKey, secret))
        .as("a new connection trusting only the old certificate")
        .isEqualTo(Status.Code.UNAVAILABLE);
    stream.onNext(message("after"));
    assertThat(echoed.poll(30, TimeUnit.SECONDS)).as("the open stream").isEqualTo("after");
    assertThat(EchoServiceGrpc.newBlockingStub(before).withDeadlineAfter(30, TimeUnit.SECONDS)
            .echo(message("unary")).getPayload().toStringUtf8())
        .as("a new call on the connection made before").isEqualTo("unary");
    stream.onCompleted();
    finished.get(30, TimeUnit.SECONDS);

    assertThat(servedBy(alice, "gateway-tls-2")).containsExactly("ingress");
    assertThat(servedBy(alice, "gateway-tls")).containsExactly("admin");
    JsonObject run = onlyRecord(alice.json("audit", "query", "--action", "tls.activate"));
    assertThat(run.get("target").getAsString()).isEqualTo("tls/ingress/gateway-tls-2");
    assertThat(run.get("actor").getAsString()).contains("CN=bob");
  }

  @Test
  void oneOfficerCannotChangeTheOfficersAlone_norDestroyTheAdminCaKey() {
    CliSession alice = gateway.as(ALICE);
    String mallory = gateway.certificateOf(MALLORY).toString();

    // With alice and bob (M = 2) enrolled, a third officer takes both of them.
    Result alone = alice.run("principal", "add", "--of-cert", mallory, "--role",
        "security-officer");
    assertThat(alone.exitCode()).as(alone.toString()).isEqualTo(5);
    assertThat(alone.err()).contains("FAILED_PRECONDITION DualControlRequired");
    assertThat(gateway.as(MALLORY).run("whoami").err()).contains("PermissionDenied");

    String id = alice.json("approval", "request", "add-officer", "--of-cert", mallory,
        "--reason", "new officer, ticket 9").get("id").getAsString();
    assertThat(gateway.as(BOB).ok("approval", "approve", id).out())
        .startsWith("request " + id + " executed (2 of 2 approvals)");
    assertThat(gateway.as(MALLORY).ok("whoami").out()).contains("security-officer");

    // Removing one is dual control too, and never below M unless the request says so.
    Result removeAlone = alice.run("principal", "remove", "--of-cert", mallory);
    assertThat(removeAlone.exitCode()).as(removeAlone.toString()).isEqualTo(5);
    assertThat(removeAlone.err()).contains("FAILED_PRECONDITION DualControlRequired");
    String removal = alice.json("approval", "request", "remove-officer", "--of-cert", mallory,
        "--reason", "left the team, ticket 10").get("id").getAsString();
    assertThat(gateway.as(BOB).ok("approval", "approve", removal).out())
        .startsWith("request " + removal + " executed (2 of 2 approvals)");
    assertThat(gateway.as(MALLORY).run("whoami").err()).contains("PermissionDenied");
    Result belowM = alice.run("approval", "request", "remove-officer",
        "--of-cert", gateway.certificateOf(BOB).toString(), "--reason", "bob leaves");
    assertThat(belowM.exitCode()).as(belowM.toString()).isEqualTo(5);
    assertThat(belowM.err()).contains("FAILED_PRECONDITION BelowQuorum");
    assertThat(gateway.as(BOB).ok("whoami").out()).contains("security-officer");

    Result ca = alice.run("approval", "request", "destroy-key", "--label", "admin-ca",
        "--reason", "oops");
    assertThat(ca.exitCode()).as(ca.toString()).isEqualTo(5);
    assertThat(ca.err()).contains("FAILED_PRECONDITION KeyProtected");
  }

  /** A new connection trusting only {@code trusted}: the status of one signed Echo. */
  private static Status.Code statusOfEcho(X509Certificate trusted, String accessKey, Path secret)
      throws Exception {
    ManagedChannel channel = gateway.channelTrusting(trusted);
    try {
      EchoServiceGrpc.newBlockingStub(RealGateway.signing(channel, accessKey, secret))
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .echo(message("hello"));
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      channel.shutdownNow();
    }
  }

  private static JsonObject approval(String id, boolean all) {
    CliSession alice = gateway.as(ALICE);
    JsonObject list = all
        ? alice.json("approval", "list", "--all")
        : alice.json("approval", "list");
    for (JsonElement e : list.getAsJsonArray("requests")) {
      if (e.getAsJsonObject().get("id").getAsString().equals(id)) {
        return e.getAsJsonObject();
      }
    }
    throw new AssertionError("request " + id + " not in " + list);
  }

  private static List<String> officers(JsonObject request) {
    List<String> officers = new ArrayList<>();
    request.getAsJsonArray("approvals")
        .forEach(a -> officers.add(a.getAsJsonObject().get("officer").getAsString()));
    return officers;
  }

  private static List<String> servedBy(CliSession who, String label) {
    for (JsonElement e : who.json("tls", "list").getAsJsonArray("keys")) {
      JsonObject key = e.getAsJsonObject();
      if (key.get("label").getAsString().equals(label)) {
        List<String> listeners = new ArrayList<>();
        key.getAsJsonArray("servedBy").forEach(l -> listeners.add(l.getAsString()));
        return listeners;
      }
    }
    throw new AssertionError("no TLS key " + label);
  }

  private static JsonObject onlyRecord(JsonObject query) {
    assertThat(query.getAsJsonArray("records")).hasSize(1);
    return query.getAsJsonArray("records").get(0).getAsJsonObject();
  }

  private static X509Certificate certificate(String pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  private static EchoRequest message(String text) {
    return EchoRequest.newBuilder().setPayload(ByteString.copyFromUtf8(text)).build();
  }

  private static StreamObserver<EchoResponse> collector(
      LinkedBlockingQueue<String> echoed, CompletableFuture<Void> finished) {
    return new StreamObserver<>() {
      @Override
      public void onNext(EchoResponse value) {
        echoed.add(value.getPayload().toStringUtf8());
      }

      @Override
      public void onError(Throwable t) {
        finished.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        finished.complete(null);
      }
    };
  }
}

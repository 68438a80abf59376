package io.keygate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.keygate.gateway.dataplane.CallObserver;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Grant;
import io.keygate.hsm.KekId;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.ApprovalRequest;
import io.keygate.proto.admin.v1.ApprovalState;
import io.keygate.proto.admin.v1.ApproveRequest;
import io.keygate.proto.admin.v1.DualControlOperation;
import io.keygate.proto.admin.v1.IssuedCredential;
import io.keygate.proto.admin.v1.RequestApprovalRequest;
import io.keygate.proto.admin.v1.RewrapCredentials;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KEK rotation under dual control, through the real admin API, token, database and data plane:
 * one officer asks, another approves, every blob is rewrapped under the new KEK inside the HSM
 * while a client keeps calling (no call fails), a second approval moves only what is left, a
 * damaged blob is skipped and counted, and a rotation that cannot run is refused when asked for.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KekRotationAdminTest {
  private static final KekId OLD = KekId.of("kek-old");
  private static final KekId NEW = KekId.of("kek-new");

  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("kekrot");

  private static HierarchyFixture hsm;
  private static AdminFixture admin;
  private static TestAdminCa.Client officer2;
  private static final Map<String, byte[]> secrets = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    hsm = HierarchyFixture.start(tokens, "kekrot", CallObserver.NONE, OLD, NEW);
    admin = hsm.admin;
    officer2 = admin.addOfficer("officer-2");
  }

  @AfterAll
  static void stop() throws Exception {
    if (hsm != null) {
      hsm.close();
    }
  }

  @Test
  @Order(1)
  void rotation_needsASecondOfficer_movesEveryBlob_andNoCallFailsMeanwhile() throws Exception {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      keys.add(issue("rot-app-" + i));
    }
    hsm.gateway.refreshConfiguration();
    String caller = keys.get(0);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger failures = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    Semaphore successes = new Semaphore(0);
    try {
      Future<?> client = pool.submit(() -> {
        for (int calls = 0; !stop.get() && calls < 20_000; calls++) {
          try {
            echo(caller, "tick");
            successes.release();
          } catch (RuntimeException e) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, e);
          }
        }
      });
      assertThat(successes.tryAcquire(20, 30, TimeUnit.SECONDS)).isTrue();

      ApprovalRequest asked = admin.as(admin.officer).requestApproval(rewrap(OLD, NEW));
      assertThat(kekOf(caller)).as("nothing moves on one officer's word").isEqualTo(OLD.value());
      ApprovalRequest done = admin.as(officer2).approve(
          ApproveRequest.newBuilder().setId(asked.getId()).build());
      assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
      hsm.gateway.refreshConfiguration();
      assertThat(successes.tryAcquire(20, 30, TimeUnit.SECONDS)).isTrue();
      stop.set(true);
      client.get(30, TimeUnit.SECONDS);
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    assertThat(failures.get()).as("failed calls (first: %s)", firstFailure.get()).isZero();
    for (String key : keys) {
      assertThat(kekOf(key)).isEqualTo(NEW.value());
      assertThat(echo(key, "after")).isEqualTo("after");
    }
    assertThat(admin.audit.events()).anySatisfy(e -> {
      assertThat(e.action()).isEqualTo("kek.rewrap");
      assertThat(e.target()).isEqualTo("kek/kek-old/kek-new");
      assertThat(e.detail()).contains("remaining=0");
    });

    // Issued under the old KEK after the first run: a second approval moves only these.
    String late = issue("rot-late");
    ApprovalRequest again = admin.as(admin.officer).requestApproval(rewrap(OLD, NEW));
    admin.as(officer2).approve(ApproveRequest.newBuilder().setId(again.getId()).build());
    assertThat(kekOf(late)).isEqualTo(NEW.value());
    assertThat(admin.audit.events()).anySatisfy(e ->
        assertThat(e.detail()).contains("rewrapped=1 remaining=0 unusable=0"));
    hsm.gateway.refreshConfiguration();
    assertThat(echo(late, "late")).isEqualTo("late");
  }

  @Test
  @Order(2) // leaves a row under the old KEK for good
  void damagedBlob_isSkippedAndCounted_theOthersMove() throws Exception {
    // Issued under the old KEK (the node's issuing KEK): two, one of them damaged in the DB.
    String good = issue("dmg-good");
    String damaged = issue("dmg-bad");
    byte[] blob = Base64.getDecoder().decode(blobOf(damaged));
    blob[9] ^= 0x10;
    setBlob(damaged, Base64.getEncoder().encodeToString(blob));

    ApprovalRequest asked = admin.as(admin.officer).requestApproval(rewrap(OLD, NEW));
    ApprovalRequest done = admin.as(officer2).approve(
        ApproveRequest.newBuilder().setId(asked.getId()).build());

    assertThat(done.getState()).isEqualTo(ApprovalState.APPROVAL_EXECUTED);
    assertThat(kekOf(good)).isEqualTo(NEW.value());
    assertThat(kekOf(damaged)).isEqualTo(OLD.value());
    assertThat(admin.audit.events()).anySatisfy(e ->
        assertThat(e.detail()).contains("remaining=1 unusable=1"));
    hsm.gateway.refreshConfiguration();
    assertThat(echo(good, "ok")).isEqualTo("ok");
  }

  @Test
  void rotationThatCannotRun_isRefusedWhenAskedFor() {
    assertThat(Calls.status(() -> admin.as(admin.officer).requestApproval(rewrap(OLD, OLD))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KekUnusable"));
    assertThat(Calls.status(() -> admin.as(admin.officer).requestApproval(
            rewrap(OLD, KekId.of("kek-missing")))))
        .isEqualTo(Calls.refusal(Status.Code.FAILED_PRECONDITION, "KekUnusable"));
    assertThat(Calls.status(() -> admin.as(admin.acmeAdmin).requestApproval(rewrap(OLD, NEW)))
        .status()).isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  private static RequestApprovalRequest rewrap(KekId from, KekId to) {
    return RequestApprovalRequest.newBuilder()
        .setOperation(DualControlOperation.newBuilder().setRewrapCredentials(
            RewrapCredentials.newBuilder().setFromKek(from.value()).setToKek(to.value())))
        .setReason("yearly KEK rotation")
        .build();
  }

  /** An app of acme, granted Echo, with a credential issued in the HSM; returns its AccessKey. */
  private static String issue(String app) throws Exception {
    admin.store.createApp(new App(app, "acme", app));
    admin.store.grant(new Grant("acme", app, "api-echo"));
    IssuedCredential issued = hsm.create(app);
    String key = issued.getCredential().getAccessKey();
    secrets.put(key, hsm.decrypt(issued));
    return key;
  }

  private static String echo(String accessKey, String message) {
    return HierarchyFixture.echo(hsm.signed(accessKey, secrets.get(accessKey)), message);
  }

  private static String kekOf(String accessKey) throws Exception {
    return hsm.credentialColumn("kek_id", accessKey);
  }

  private static String blobOf(String accessKey) throws Exception {
    return hsm.credentialColumn("wrapped_secret", accessKey);
  }

  private static void setBlob(String accessKey, String blob) throws Exception {
    hsm.overwriteBlob(accessKey, blob);
  }
}

package io.keygate.gateway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.auth.RequestAuthenticator;
import io.keygate.gateway.auth.ReplayWindow;
import io.keygate.gateway.authz.AccessPolicy;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Open calls re-checked against the configuration and the clock with plain objects: a real
 * {@link CallAdmission} (real authenticator and policy, no HSM needed), snapshots built by hand,
 * and calls that record how they were ended.
 */
class OpenCallsTest {
  private static final Instant START = Instant.parse("2026-11-26T12:00:00Z");
  private static final Duration MAX_STALENESS = Duration.ofSeconds(30);
  private static final BackendTarget BACKEND = new BackendTarget("127.0.0.1", 9001);

  private static final ApiDefinition COLLECT = new ApiDefinition(
      "api-collect", "acme", "acme.example", "demo.Echo/Collect", "127.0.0.1:9001", AuthMode.SIGNATURE);
  private static final ApiDefinition PUBLIC = new ApiDefinition(
      "api-public", "acme", "acme.example", "demo.Echo/Public", "127.0.0.1:9001", AuthMode.NONE);

  private final MutableClock clock = new MutableClock(START);
  private final AtomicReference<ConfigSnapshot> snapshot = new AtomicReference<>();
  private final AtomicBoolean stale = new AtomicBoolean();
  private final AtomicBoolean broken = new AtomicBoolean();
  private final List<String> refusals = new CopyOnWriteArrayList<>();
  private final OpenCalls open;

  // What the store holds; each test changes a field and calls publish().
  private Credential acmeKey = credential("AK-acme", "acme-app", "acme");
  private final Credential otherAcmeKey = credential("AK-acme-2", "acme-app-2", "acme");
  private final Credential globexKey = credential("AK-globex", "globex-app", "globex");
  private List<Grant> grants = List.of(
      new Grant("acme", "acme-app", "api-collect"), new Grant("acme", "acme-app-2", "api-collect"));
  private boolean authorizationRevoked;
  private List<ApiDefinition> apis = List.of(COLLECT, PUBLIC);

  OpenCallsTest() {
    publish();
    ConfigView view = new ConfigView() {
      @Override
      public ConfigSnapshot current() {
        if (broken.get()) {
          throw new IllegalStateException("a bug in reading the snapshot");
        }
        return snapshot.get();
      }

      @Override
      public boolean isStale(Duration max) {
        return stale.get();
      }
    };
    CallObserver observer = new CallObserver() {
      @Override
      public void authenticated(Credential caller) {}

      @Override
      public void refused(String accessKey, String appId, GatewayError error) {
        refusals.add(accessKey + " " + appId + " " + error.code());
      }
    };
    RequestAuthenticator authenticator = new RequestAuthenticator(
        (credential, data, mac) -> {
          throw new AssertionError("a re-check never asks the HSM");
        },
        (tenant, key, nonce, expiry) -> {
          throw new AssertionError("a re-check never records a nonce");
        },
        new ReplayWindow(clock, Duration.ofMinutes(5)));
    CallAdmission admission = new CallAdmission(
        view, authenticator, new AccessPolicy(clock), MAX_STALENESS, observer, new CallsPerKey(10),
        new CallsPerApi(10));
    open = new OpenCalls(admission, observer);
  }

  private static Credential credential(String accessKey, String app, String tenant) {
    return new Credential(accessKey, app, tenant, KeyLabel.of("secret-" + accessKey), null, false, null);
  }

  private void publish() {
    ConfigSnapshot previous = snapshot.get();
    snapshot.set(new ConfigSnapshot(
        previous == null ? 1 : previous.version() + 1,
        List.of(new Tenant("acme", "Acme"), new Tenant("globex", "Globex")),
        List.of(new App("acme-app", "acme", "a"), new App("acme-app-2", "acme", "a2"),
            new App("globex-app", "globex", "g")),
        apis,
        List.of(acmeKey, otherAcmeKey, globexKey),
        grants,
        List.of(new CrossTenantAuthorization("auth-1", "acme", "globex-app", Set.of("api-collect"),
            START.plus(Duration.ofHours(1)), authorizationRevoked))));
  }

  /** A call as the proxy would be: ended from outside, and over once it has been ended. */
  private static final class FakeCall {
    final AdmittedCall admitted;
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    final List<GatewayError> endings = new CopyOnWriteArrayList<>();

    FakeCall(ApiDefinition api, Credential caller) {
      admitted = new AdmittedCall(
          api, BACKEND, Optional.ofNullable(caller), UUID.randomUUID().toString());
    }

    void end(GatewayError error, String detail) {
      endings.add(error);
      ended.complete(null);
    }

    boolean isOpen() {
      return endings.isEmpty();
    }
  }

  private FakeCall watch(ApiDefinition api, Credential caller) {
    FakeCall call = new FakeCall(api, caller);
    open.watch(call.admitted, call::end, call.ended);
    return call;
  }

  @Test
  void recheck_endsTheCallsOfARevokedCredential_withKeyRevoked_andNoOther() {
    FakeCall revoked = watch(COLLECT, acmeKey);
    FakeCall other = watch(COLLECT, otherAcmeKey);
    FakeCall crossTenant = watch(COLLECT, globexKey);
    FakeCall unauthenticated = watch(PUBLIC, null);

    acmeKey = new Credential(acmeKey.accessKey(), acmeKey.appId(), acmeKey.tenantId(),
        acmeKey.secretLabel(), null, true, null);
    publish();
    open.recheckAll();

    assertThat(revoked.endings).containsExactly(GatewayError.KEY_REVOKED);
    assertThat(List.of(other, crossTenant, unauthenticated)).allMatch(FakeCall::isOpen);
    assertThat(open.size()).isEqualTo(3);
    assertThat(refusals).containsExactly("AK-acme acme-app AccessKeyRevokedOrExpired");
  }

  @Test
  void recheck_endsTheCallsWhoseGrantWasRemoved_withApiNotGranted() {
    FakeCall ungranted = watch(COLLECT, acmeKey);
    FakeCall stillGranted = watch(COLLECT, otherAcmeKey);

    grants = List.of(new Grant("acme", "acme-app-2", "api-collect"));
    publish();
    open.recheckAll();

    assertThat(ungranted.endings).containsExactly(GatewayError.NOT_GRANTED);
    assertThat(stillGranted.isOpen()).isTrue();
  }

  @Test
  void recheck_endsTheCallsOfARevokedAuthorization_withAuthorizationExpired() {
    FakeCall crossTenant = watch(COLLECT, globexKey);
    FakeCall sameTenant = watch(COLLECT, acmeKey);

    authorizationRevoked = true;
    publish();
    open.recheckAll();

    assertThat(crossTenant.endings).containsExactly(GatewayError.AUTHORIZATION_EXPIRED);
    assertThat(sameTenant.isOpen()).isTrue();
  }

  @Test
  void recheck_endsACallWhenItsCredentialsEndPasses_withoutAnyNewSnapshot() {
    acmeKey = new Credential(acmeKey.accessKey(), acmeKey.appId(), acmeKey.tenantId(),
        acmeKey.secretLabel(), START.plusSeconds(5), false, null);
    publish();
    FakeCall retiring = watch(COLLECT, acmeKey);

    clock.advance(Duration.ofMillis(4_999));
    open.recheckAll();
    assertThat(retiring.isOpen()).as("still before its end").isTrue();

    clock.advance(Duration.ofMillis(1));
    open.recheckAll();
    assertThat(retiring.endings).containsExactly(GatewayError.KEY_REVOKED);
  }

  @Test
  void recheck_endsACallWhenItsAuthorizationExpires() {
    FakeCall crossTenant = watch(COLLECT, globexKey);

    clock.advance(Duration.ofHours(1));
    open.recheckAll();

    assertThat(crossTenant.endings).containsExactly(GatewayError.AUTHORIZATION_EXPIRED);
  }

  @Test
  void recheck_endsEveryCallOfARemovedApi_withUnknownApi_alsoThoseWithoutAuthentication() {
    FakeCall signed = watch(COLLECT, acmeKey);
    FakeCall unauthenticated = watch(PUBLIC, null);
    FakeCall otherApi = watch(COLLECT, otherAcmeKey);

    apis = List.of(COLLECT);
    publish();
    open.recheckAll();
    assertThat(unauthenticated.endings).containsExactly(GatewayError.UNKNOWN_API);
    assertThat(List.of(signed, otherApi)).allMatch(FakeCall::isOpen);

    apis = List.of(PUBLIC);
    publish();
    open.recheckAll();
    assertThat(signed.endings).containsExactly(GatewayError.UNKNOWN_API);
    assertThat(open.size()).isZero();
  }

  @Test
  void recheck_endsSignedCalls_onceTheConfigurationIsStale_butLeavesPublicOnes() {
    FakeCall signed = watch(COLLECT, acmeKey);
    FakeCall unauthenticated = watch(PUBLIC, null);

    stale.set(true);
    open.recheckAll();

    assertThat(signed.endings).containsExactly(GatewayError.CONFIG_UNAVAILABLE);
    assertThat(unauthenticated.isOpen()).isTrue();
  }

  @Test
  void watch_checksTheCallAtOnce_soAChangeWhileItWasAdmittedIsNotMissed() {
    grants = List.of();
    publish();

    FakeCall admittedOnAnOlderSnapshot = watch(COLLECT, acmeKey);

    assertThat(admittedOnAnOlderSnapshot.endings).containsExactly(GatewayError.NOT_GRANTED);
    assertThat(open.size()).isZero();
  }

  @Test
  void recheck_endsEachCallOnce_andTellsTheObserverOnce() {
    FakeCall call = new FakeCall(COLLECT, acmeKey);
    // A proxy whose backend takes its time to close: the call stays "not over" after its end.
    List<GatewayError> endings = new ArrayList<>();
    open.watch(call.admitted, (error, detail) -> endings.add(error), call.ended);

    grants = List.of();
    publish();
    open.recheckAll();
    open.recheckAll();

    assertThat(endings).containsExactly(GatewayError.NOT_GRANTED);
    assertThat(refusals).containsExactly("AK-acme acme-app ApiNotGranted");
  }

  @Test
  void callsThatEndByThemselves_leaveTheRegistry_soItEmpties() {
    FakeCall completed = watch(COLLECT, acmeKey);
    FakeCall cancelled = watch(COLLECT, otherAcmeKey);
    FakeCall unauthenticated = watch(PUBLIC, null);
    assertThat(open.size()).isEqualTo(3);

    completed.ended.complete(null);
    cancelled.ended.completeExceptionally(new IllegalStateException("client went away"));
    unauthenticated.ended.complete(null);

    assertThat(open.size()).isZero();
    open.recheckAll();
    assertThat(List.of(completed, cancelled, unauthenticated)).allMatch(FakeCall::isOpen);
  }

  @Test
  void watch_ofACallAlreadyOver_leavesNothingBehind() {
    FakeCall call = new FakeCall(COLLECT, acmeKey);
    call.ended.complete(null);

    open.watch(call.admitted, call::end, call.ended);

    assertThat(open.size()).isZero();
  }

  @Test
  void recheck_thatFailsUnexpectedly_endsTheCallWithInternal() {
    FakeCall call = watch(COLLECT, acmeKey);

    broken.set(true);
    open.recheckAll();

    assertThat(call.endings).containsExactly(GatewayError.INTERNAL);
    assertThat(open.size()).isZero();
  }

  @Test
  void recheck_leavesCallsAlone_whileNothingChanged() {
    FakeCall signed = watch(COLLECT, acmeKey);
    FakeCall crossTenant = watch(COLLECT, globexKey);
    FakeCall unauthenticated = watch(PUBLIC, null);

    publish();
    open.recheckAll();
    clock.advance(Duration.ofMinutes(59));
    open.recheckAll();

    assertThat(List.of(signed, crossTenant, unauthenticated)).allMatch(FakeCall::isOpen);
    assertThat(open.size()).isEqualTo(3);
    assertThat(refusals).isEmpty();
  }
}

package io.keygate.gateway.e2e;

import static io.keygate.gateway.e2e.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.CrossTenantAuthorization;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Tenant boundaries and the auth modes, end to end. */
class TenancyEndToEndTest extends GatewayEndToEnd {
  private static final EchoRequest HI = EchoRequest.newBuilder().setMessage("hi").build();

  private static Runnable echoAs(Channel ch) {
    return () -> EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).echo(HI);
  }

  private static EchoResponse chatOnceAs(Channel ch) throws Exception {
    CompletableFuture<EchoResponse> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> out =
        EchoServiceGrpc.newStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).chat(SignedCallsEndToEndTest.observer(done));
    out.onNext(HI);
    out.onCompleted();
    try {
      return done.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  @Test
  void crossTenant_deniedWithoutAuthorization_allowedWhileLive_deniedOnceExpiredOrRevoked() throws Exception {
    Channel globex = gw.signedChannel(gw.globexKey);
    assertRefused(echoAs(globex), GatewayError.CROSS_TENANT);

    gw.store.authorize(new CrossTenantAuthorization(
        "auth-1", "acme", "globex-app", Set.of("api-echo"), Instant.now().plusSeconds(3600), false));
    gw.gateway.refreshConfiguration();
    echoAs(globex).run();
    // The authorization names Echo only.
    assertRefused(() -> EchoServiceGrpc.newBlockingStub(globex).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echoStream(HI).hasNext(), GatewayError.CROSS_TENANT);

    gw.store.revokeAuthorization("acme", "auth-1");
    gw.gateway.refreshConfiguration();
    assertRefused(echoAs(globex), GatewayError.AUTHORIZATION_EXPIRED);

    gw.store.authorize(new CrossTenantAuthorization(
        "auth-2", "acme", "globex-app", Set.of("api-stream"), Instant.now().minusSeconds(1), false));
    gw.gateway.refreshConfiguration();
    assertRefused(() -> EchoServiceGrpc.newBlockingStub(globex).withDeadlineAfter(10, TimeUnit.SECONDS)
        .echoStream(HI).hasNext(), GatewayError.AUTHORIZATION_EXPIRED);
  }

  @Test
  void acmeApp_cannotCallGlobexsApi() {
    assertRefused(() -> {
      try {
        chatOnceAs(gw.signedChannel(gw.acmeKey, DemoTenants.GLOBEX_DOMAIN));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, GatewayError.CROSS_TENANT);
  }

  /**
   * The attack that worked while method names were one global namespace: acme's Echo goes away,
   * globex registers the same method name and authorizes acme's app itself, hoping to receive
   * the calls acme's app signs. They were signed for acme's domain, so they never reach globex.
   */
  @Test
  void anotherTenant_registeringTheSameMethod_neverReceivesThisTenantsCalls() throws Exception {
    String globexTarget = "127.0.0.1:" + gw.globexBackend.getPort();
    Channel acme = gw.signedChannel(gw.acmeKey);
    try {
      assertThat(EchoServiceGrpc.newBlockingStub(acme).withDeadlineAfter(10, TimeUnit.SECONDS)
          .echo(HI).getBackend()).isEqualTo("acme-backend");

      gw.store.removeApi("acme", "api-echo");
      gw.store.registerApi(new ApiDefinition("globex-echo", "globex", DemoTenants.GLOBEX_DOMAIN,
          GatewayFixture.ECHO, globexTarget, AuthMode.SIGNATURE));
      gw.store.authorize(new CrossTenantAuthorization("bait", "globex", "acme-app",
          Set.of("globex-echo"), Instant.now().plusSeconds(3600), false));
      gw.gateway.refreshConfiguration();
      gw.backendHeaders.clear();
      assertRefused(echoAs(acme), GatewayError.UNKNOWN_API);
      assertThat(gw.backendHeaders).as("no backend saw acme's call").isEmpty();
    } finally {
      gw.store.removeApi("globex", "globex-echo");
      if (gw.store.apis("acme").stream().noneMatch(a -> a.id().equals("api-echo"))) {
        gw.store.registerApi(new ApiDefinition("api-echo", "acme", DemoTenants.ACME_DOMAIN,
            GatewayFixture.ECHO, "127.0.0.1:" + gw.acmeBackend.getPort(), AuthMode.SIGNATURE));
        gw.store.grant(new io.keygate.gateway.model.Grant("acme", "acme-app", "api-echo"));
      }
      gw.gateway.refreshConfiguration();
    }
  }

  @Test
  void aMethodOfAnotherTenant_isNotFoundOnThisTenantsDomain() {
    // Chat is globex's, on globex's domain: sent to acme's domain it reaches no API at all.
    assertRefused(() -> {
      try {
        chatOnceAs(gw.signedChannel(gw.globexKey, DemoTenants.ACME_DOMAIN));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, GatewayError.UNKNOWN_API);
  }

  @Test
  void sameTenant_withoutGrant_isNotGranted() throws Exception {
    gw.store.revokeGrant(new io.keygate.gateway.model.Grant("acme", "acme-app", "api-collect"));
    gw.gateway.refreshConfiguration();
    CompletableFuture<EchoResponse> done = new CompletableFuture<>();
    StreamObserver<EchoRequest> out = EchoServiceGrpc.newStub(gw.signedChannel(gw.acmeKey))
        .withDeadlineAfter(10, TimeUnit.SECONDS).collect(SignedCallsEndToEndTest.observer(done));
    out.onNext(HI);
    out.onCompleted();
    assertRefused(() -> {
      try {
        done.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw (RuntimeException) e.getCause();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, GatewayError.NOT_GRANTED);
  }

  @Test
  void noneModeApi_acceptsUnsignedCalls_signatureModeDoesNot() throws Exception {
    String target = "127.0.0.1:" + gw.globexBackend.getPort();
    ApiDefinition chat = new ApiDefinition("api-chat", "globex", DemoTenants.GLOBEX_DOMAIN,
        GatewayFixture.CHAT, target, AuthMode.NONE);
    // Unauthenticated only on a backend an officer allowed so.
    gw.store.allowBackend(new io.keygate.gateway.model.BackendAllowance("globex", target, true));
    gw.store.updateApi(chat);
    gw.gateway.refreshConfiguration();
    try {
      assertThat(chatOnceAs(gw.channel(DemoTenants.GLOBEX_DOMAIN)).getBackend())
          .isEqualTo("globex-backend");
      assertRefused(echoAs(gw.channel()), GatewayError.MISSING_HEADER);
    } finally {
      gw.store.updateApi(new ApiDefinition("api-chat", "globex", DemoTenants.GLOBEX_DOMAIN,
          GatewayFixture.CHAT, target, AuthMode.SIGNATURE));
      gw.store.allowBackend(new io.keygate.gateway.model.BackendAllowance("globex", target, false));
      gw.gateway.refreshConfiguration();
    }
    assertRefused(() -> {
      try {
        chatOnceAs(gw.channel(DemoTenants.GLOBEX_DOMAIN));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, GatewayError.MISSING_HEADER);
  }
}

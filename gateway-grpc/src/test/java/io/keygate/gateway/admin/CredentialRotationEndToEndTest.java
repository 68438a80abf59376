package io.keygate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.e2e.DemoTenants;
import io.keygate.demo.backend.EchoBackend;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.gateway.node.NodeSettings;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AddCredentialRequest;
import io.keygate.proto.admin.v1.CreateCredentialRequest;
import io.keygate.proto.admin.v1.IssuedCredential;
import io.keygate.proto.admin.v1.RetireCredentialRequest;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A full credential rotation through the admin API while a client keeps calling the gateway:
 * create → add a second credential → switch the client → retire the old one. Not one call fails,
 * and afterwards the old credential is refused.
 */
class CredentialRotationEndToEndTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("rotation");

  @Test
  void rotation_whileAClientSignsContinuously_failsNoCall() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (AdminFixture admin = new AdminFixture(tokens).start("rotation")) {
      Server backend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(new EchoBackend("acme-backend")).build().start();
      String target = "127.0.0.1:" + backend.getPort();
      // The client below sends its calls to localhost: acme's domain here.
      admin.store.allowDomain(new io.keygate.gateway.model.DomainAllowance("acme", "localhost"));
      admin.store.allowBackend(new io.keygate.gateway.model.BackendAllowance("acme", target, false));
      admin.store.registerApi(new ApiDefinition("api-echo", "acme", "localhost", DemoTenants.ECHO,
          target, AuthMode.SIGNATURE));
      admin.store.grant(new Grant("acme", "acme-app", "api-echo"));
      admin.snapshots.refreshNow();
      GatewayNode gateway = GatewayNode.builder(NodeSettings.local(
              GatewaySettings.defaults(new InetSocketAddress("127.0.0.1", 0), KeyLabel.of("admin-tls")),
              java.nio.file.Files.createTempDirectory("keygate-rotation-")))
          .token(admin.hsm)
          .database(admin.database)
          .start();
      ManagedChannel tls = NettyChannelBuilder.forAddress("localhost", gateway.port())
          .sslContext(GrpcSslContexts.forClient().trustManager(admin.serverCert).build()).build();
      try {
        IssuedCredential first = admin.as(admin.acmeAdmin).createCredential(
            CreateCredentialRequest.newBuilder().setTenantId("acme").setAppId("acme-app").build());
        // The admin API refreshes its own node only: this gateway is another one, and without
        // this its poll decides whether the first calls already know the new key.
        gateway.refreshConfiguration();
        Channel oldKey = signed(tls, first);
        AtomicReference<Channel> current = new AtomicReference<>(oldKey);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        Semaphore successes = new Semaphore(0);
        Future<Integer> client = pool.submit(() -> {
          int calls = 0;
          // Bounded: the test stops it long before this many calls.
          while (!stop.get() && calls < 20_000) {
            calls++;
            try {
              EchoServiceGrpc.newBlockingStub(current.get()).withDeadlineAfter(10, TimeUnit.SECONDS)
                  .echo(EchoRequest.newBuilder().setMessage("tick").build());
              successes.release();
            } catch (RuntimeException e) {
              failures.incrementAndGet();
              firstFailure.compareAndSet(null, e);
            }
          }
          return calls;
        });

        assertThat(successes.tryAcquire(30, 30, TimeUnit.SECONDS)).isTrue();
        IssuedCredential second = admin.as(admin.acmeAdmin).addCredential(
            AddCredentialRequest.newBuilder().setTenantId("acme").setAppId("acme-app").build());
        gateway.refreshConfiguration();
        current.set(signed(tls, second));
        assertThat(successes.tryAcquire(30, 30, TimeUnit.SECONDS)).isTrue();
        admin.as(admin.officer).retireCredential(RetireCredentialRequest.newBuilder()
            .setTenantId("acme").setAccessKey(first.getCredential().getAccessKey())
            .setAfter(Duration.newBuilder().setSeconds(0)).build());
        gateway.refreshConfiguration();
        assertThat(successes.tryAcquire(30, 30, TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        int calls = client.get(30, TimeUnit.SECONDS);

        assertThat(failures.get()).as("failed calls during rotation (first: %s)", firstFailure.get()).isZero();
        assertThat(calls).isGreaterThanOrEqualTo(90);
        StatusRuntimeException old = org.assertj.core.api.Assertions.catchThrowableOfType(
            StatusRuntimeException.class,
            () -> EchoServiceGrpc.newBlockingStub(oldKey).withDeadlineAfter(10, TimeUnit.SECONDS)
                .echo(EchoRequest.newBuilder().setMessage("late").build()));
        assertThat(old.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(old.getTrailers().get(ErrorReplies.ERROR_CODE)).isEqualTo("AccessKeyRevokedOrExpired");
      } finally {
        tls.shutdownNow();
        gateway.close();
        backend.shutdownNow();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Channel signed(ManagedChannel tls, IssuedCredential issued) {
    return ClientInterceptors.intercept(tls, SigningClientInterceptor.create(
        issued.getCredential().getAccessKey(), AccessSecret.copyOf(issued.getSecret().toByteArray())));
  }
}

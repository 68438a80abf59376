package io.keygate.demo;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.client.XcaSigner;
import io.keygate.demo.backend.EchoBackend;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.ForRecipient;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.gateway.node.NodeSettings;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import io.keygate.hsm.pkcs11.DirectWrappedMacs;
import io.keygate.hsm.Pin;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.crypto.Cipher;

/**
 * The main job (run by bin/demo): a gateway on the embedded defaults (SoftHSM2 token, H2 store),
 * two demo tenants with their backends, and a client showing what passes and what is refused.
 *
 * <p>Arguments: SunPKCS11 config, PIN file, data directory (for the H2 store).
 */
public final class GatewayDemo {
  private static final KeyLabel TLS_KEY = KeyLabel.of("gateway-tls");
  private static final KekId KEK = KekId.of("demo-kek");
  private final PrintStream out;

  GatewayDemo(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    boolean serve = args.length == 5 && args[4].equals("--serve");
    if (args.length != 4 && !serve) {
      System.err.println(
          "usage: GatewayDemo <sunpkcs11.cfg> <pin-file> <so-pin-file> <data-dir> [--serve]");
      System.exit(2);
    }
    // --serve: the node keeps serving until SIGINT/SIGTERM; the hook lets it close cleanly.
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CountDownLatch closed = new CountDownLatch(1);
    if (serve) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stop.complete(null);
        try {
          closed.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "demo-stop"));
    }
    try {
      new GatewayDemo(System.out).run(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]),
          Path.of(args[3]), serve ? Optional.of(stop) : Optional.empty());
    } catch (Exception e) {
      System.err.println("demo failed: " + e);
      System.exit(1);
    } finally {
      closed.countDown();
    }
    if (!serve) { // exiting from inside the shutdown hook's wait would hang
      System.exit(0);
    }
  }

  void run(Path hsmConfig, Path pinFile, Path soPinFile, Path dataDir) throws Exception {
    run(hsmConfig, pinFile, soPinFile, dataDir, Optional.empty());
  }

  /**
   * @param serveUntil present: after the calls, the node and its backends keep serving, acme's
   *     secret and the gateway's certificate are written next to {@code dataDir}, and how to call
   *     the node is printed; it stops when the future completes
   */
  void run(Path hsmConfig, Path pinFile, Path soPinFile, Path dataDir,
      Optional<CompletableFuture<Void>> serveUntil) throws Exception {
    // The security officer's step, before anything logs in as the user (docs/key-hierarchy.md).
    try (DirectKekAdministration so =
        DirectKekAdministration.openAsSecurityOfficer(hsmConfig, Pin.fromFile(soPinFile))) {
      if (!so.listKeks().contains(KEK)) {
        so.generateKek(KEK);
        out.println("== Generated key-encryption key " + KEK + " inside the HSM as its security"
            + " officer (trusted, never extractable, wrap/unwrap only)");
      }
    }
    try (SunPkcs11Token hsm = SunPkcs11Token.open(hsmConfig, Pin.fromFile(pinFile), Pkcs11TokenOptions.defaults());
        DirectWrappedMacs wrapped = DirectWrappedMacs.open(hsmConfig, Pin.fromFile(pinFile),
            DirectWrappedMacs.DEFAULT_SESSIONS, 1_000, Clock.systemUTC());
        ConfigDatabase db = ConfigDatabase.open(ConfigDatabaseSettings.embeddedH2(dataDir))) {
      out.println("== HSM: " + hsm + "; config store: " + db.description());
      if (hsm.describeKey(TLS_KEY).isEmpty()) {
        // One certificate for both tenants' domains (a wildcard or multi-name certificate serves
        // many tenants in production).
        hsm.generateEcKey(TLS_KEY, new CertificateProfile("keygate-demo-gateway",
            List.of(DemoTenants.ACME_DOMAIN, DemoTenants.GLOBEX_DOMAIN), List.of("127.0.0.1", "::1"),
            Duration.ofDays(30)));
        out.println("   generated the gateway's TLS key (EC P-256) inside the HSM");
      }
      X509Certificate cert = hsm.certificateChain(TLS_KEY).get(0);

      Server acmeBackend = backend("acme-backend");
      Server globexBackend = backend("globex-backend");
      ConfigStore store = db.store(Clock.systemUTC());
      // The officer's one-time key: the HSM encrypts each new secret to it, and only this
      // process can read it (keystore-admin makes one per run the same way).
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(3072);
      KeyPair officer = rsa.generateKeyPair();
      CredentialIssuer issuer =
          new CredentialIssuer(hsm, store, new SecureRandom()).withHierarchy(wrapped, KEK);
      DemoTenants.Credentials keys = DemoTenants.provision(store, issuer,
          (RSAPublicKey) officer.getPublic(),
          "127.0.0.1:" + acmeBackend.getPort(), "127.0.0.1:" + globexBackend.getPort());
      byte[] acmeSecret = decrypt(officer, keys.acme());
      out.println("== Provisioned tenants acme (Echo, EchoStream, Collect) and globex (Chat)");
      out.println("   acme-app   AccessKey " + keys.acme().accessKey() + "  AccessSecret (shown once) "
          + Base64.getEncoder().encodeToString(acmeSecret));
      out.println("   globex-app AccessKey " + keys.globex().accessKey()
          + "  (secret encrypted to the officer's one-time key only)");
      Credential stored = store.credentials("acme").get(0);
      out.println("   acme's AccessSecret was made in the HSM; the config store holds it only as a "
          + stored.wrapped().length() + "-byte blob wrapped under KEK " + stored.wrapped().kek()
          + ", which unwraps only inside the HSM into a verify-only key");

      try (GatewayNode gateway = GatewayNode.builder(NodeSettings.local(
              GatewaySettings.defaults(new InetSocketAddress("127.0.0.1", 0), TLS_KEY), dataDir)
              .withNonceCapacity(100_000))
          .token(hsm)
          .database(db)
          .wrappedSecrets(wrapped)
          .start()) {
        out.println("== Gateway listening with TLS on 127.0.0.1:" + gateway.port()
            + " (its private key never leaves the HSM)");
        ManagedChannel channel = NettyChannelBuilder.forAddress("localhost", gateway.port())
            .sslContext(GrpcSslContexts.forClient().trustManager(cert).build()).build();
        // The same gateway, addressed as globex's domain: calls reach globex's APIs only.
        ManagedChannel globexDomain = NettyChannelBuilder.forAddress("localhost", gateway.port())
            .overrideAuthority(DemoTenants.GLOBEX_DOMAIN + ":" + gateway.port())
            .sslContext(GrpcSslContexts.forClient().trustManager(cert).build()).build();
        try {
          calls(channel, globexDomain, gateway.port(), keys.acme().accessKey(), acmeSecret);
          if (serveUntil.isPresent()) {
            serve(dataDir.toAbsolutePath().getParent(), gateway.port(), cert,
                keys.acme().accessKey(), acmeSecret);
            serveUntil.get().join();
          }
        } finally {
          channel.shutdownNow();
          globexDomain.shutdownNow();
          acmeBackend.shutdownNow();
          globexBackend.shutdownNow();
        }
      }
    }
    out.println();
    out.println("Next: bash bin/test runs every test; docs/signature-spec.md shows how to sign calls from");
    out.println("      any language; client-sdk/README.md shows the Java SDK; docs/architecture.md the design.");
  }

  /** Leaves what a caller needs in {@code dir} and says how to call the node. */
  private void serve(Path dir, int port, X509Certificate cert, String accessKey, byte[] secret)
      throws Exception {
    Path pem = dir.resolve("gateway.pem");
    Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
    Path secretFile = dir.resolve("acme-app.secret");
    Files.deleteIfExists(secretFile);
    Files.createFile(secretFile, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.writeString(secretFile, Base64.getEncoder().encodeToString(secret) + "\n",
        StandardCharsets.US_ASCII);
    out.println();
    out.println("== Serving on 127.0.0.1:" + port + " until Ctrl-C (acme's Echo, EchoStream and"
        + " Collect; globex's Chat)");
    out.println("   certificate to trust: " + pem);
    out.println("   acme-app: AccessKey " + accessKey + ", secret in " + secretFile + " (0600)");
    out.println("   call it from Node.js (clients/README.md):");
    out.println("     (cd clients/node && npm ci --silent && node test/live-call.js --port " + port
        + " --authority localhost:" + port + " --ca-file " + pem + " --access-key " + accessKey
        + " --secret-file " + secretFile + ")");
    out.println("   or from Python: /usr/bin/python3 clients/python/live_call.py (same options;"
        + " clients/README.md)");
    out.flush();
  }

  private static byte[] decrypt(KeyPair officer, ForRecipient issued) throws Exception {
    Cipher c = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    c.init(Cipher.DECRYPT_MODE, officer.getPrivate());
    return c.doFinal(issued.secretForRecipient());
  }

  private void calls(ManagedChannel channel, ManagedChannel globexDomain, int port,
      String accessKey, byte[] acmeSecret) throws Exception {
    AccessSecret secret = AccessSecret.copyOf(acmeSecret);
    Channel signed = ClientInterceptors.intercept(channel, SigningClientInterceptor.create(accessKey, secret));
    Channel signedToGlobex = ClientInterceptors.intercept(
        globexDomain, SigningClientInterceptor.create(accessKey, secret));
    EchoRequest hello = EchoRequest.newBuilder().setMessage("hello from acme-app").build();

    out.println("== Calls through the gateway");
    show("signed unary Echo", () -> {
      EchoResponse r = stub(signed).echo(hello);
      return "OK  \"" + r.getMessage() + "\" answered by " + r.getBackend();
    });
    show("signed server-streaming EchoStream x3", () -> {
      Iterator<EchoResponse> it = stub(signed).echoStream(hello.toBuilder().setRepeat(3).build());
      int n = 0;
      while (it.hasNext()) {
        it.next();
        n++;
      }
      return "OK  " + n + " responses";
    });
    show("unsigned Echo", () -> stub(channel).echo(hello).getMessage());

    XcaSigner signer = XcaSigner.builder(accessKey, secret).build();
    String path = "/" + DemoTenants.ECHO;
    String authority = "localhost:" + port;
    Map<String, String> forHello = signer.sign(path, authority, hello.toByteArray()).headers();
    EchoRequest tampered = EchoRequest.newBuilder().setMessage("hello from mallory").build();
    show("tampered Echo (body changed after signing)", () -> stub(withHeaders(channel, forHello)).echo(tampered).getMessage());
    Map<String, String> once = signer.sign(path, authority, hello.toByteArray()).headers();
    show("first use of a signed request", () -> "OK  " + stub(withHeaders(channel, once)).echo(hello).getMessage());
    show("replay of that exact request", () -> stub(withHeaders(channel, once)).echo(hello).getMessage());
    // Routing belongs to a tenant: Chat is globex's API, on globex's domain only.
    show("Chat sent to acme's domain", () -> chat(signed, hello));
    show("acme-app calling Chat on globex's domain", () -> chat(signedToGlobex, hello));
    out.println("   Try: tamper with the AccessSecret, the clock (x-ca-timestamp) or the path yourself;");
    out.println("   each refusal carries a stable x-keygate-error-code (docs/signature-spec.md lists them).");
  }

  private static String chat(Channel signed, EchoRequest hello) {
      var done = new java.util.concurrent.CompletableFuture<String>();
      var stream = EchoServiceGrpc.newStub(signed).withDeadlineAfter(10, TimeUnit.SECONDS).chat(
          new io.grpc.stub.StreamObserver<EchoResponse>() {
            @Override public void onNext(EchoResponse v) { done.complete("OK  " + v.getMessage()); }
            @Override public void onError(Throwable t) { done.completeExceptionally(t); }
            @Override public void onCompleted() { done.complete("completed"); }
          });
      stream.onNext(hello);
      stream.onCompleted();
      try {
        return done.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw (RuntimeException) e.getCause();
      } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
  }

  private static EchoServiceGrpc.EchoServiceBlockingStub stub(Channel ch) {
    return EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static Channel withHeaders(Channel ch, Map<String, String> headers) {
    Metadata md = new Metadata();
    headers.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    return ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(md));
  }

  private void show(String what, Supplier<String> call) {
    String result;
    try {
      result = call.get();
    } catch (StatusRuntimeException e) {
      Metadata trailers = e.getTrailers();
      String code = trailers == null ? null : trailers.get(ErrorReplies.ERROR_CODE);
      Status s = e.getStatus();
      result = "REFUSED  " + s.getCode() + " " + (code == null ? "" : code) + " (" + s.getDescription() + ")";
    }
    out.printf("   %-44s -> %s%n", what, result);
  }


  private static Server backend(String name) throws java.io.IOException {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new EchoBackend(name)).build().start();
  }
}

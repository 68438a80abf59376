package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.keygate.client.AccessSecret;
import io.keygate.client.SigningClientInterceptor;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With client CAs configured the gateway requires a client certificate from one of them. */
class MutualTlsEndToEndTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  private static GatewayFixture gw;
  private static KeyPair caKeys;
  private static X509Certificate caCert;
  private static final EchoRequest HI = EchoRequest.newBuilder().setMessage("hi").build();

  @BeforeAll
  static void start() throws Exception {
    caKeys = ecKeys();
    caCert = certificate("CN=Client CA", caKeys.getPublic(), "CN=Client CA", caKeys);
    gw = new GatewayFixture(tokens).start("gateway", List.of(caCert));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void clientWithoutCertificate_cannotConnect() throws Exception {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
        EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey)).withDeadlineAfter(10, TimeUnit.SECONDS).echo(HI));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void clientWithACertificateFromTheCa_isServed() throws Exception {
    KeyPair clientKeys = ecKeys();
    X509Certificate clientCert = certificate("CN=Client CA", clientKeys.getPublic(), "CN=acme-client", caKeys);
    ManagedChannel ch = NettyChannelBuilder.forAddress("localhost", gw.gateway.port())
        .sslContext(GrpcSslContexts.forClient()
            .trustManager(gw.gatewayCert)
            .keyManager(clientKeys.getPrivate(), clientCert)
            .build())
        .build();
    try {
      var signed = ClientInterceptors.intercept(ch, SigningClientInterceptor.create(
          gw.acmeKey.accessKey(), AccessSecret.copyOf(gw.acmeKey.secret().unsafeCopy())));
      assertThat(EchoServiceGrpc.newBlockingStub(signed).withDeadlineAfter(10, TimeUnit.SECONDS).echo(HI).getMessage())
          .isEqualTo("hi");
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void clientWithACertificateFromAnotherCa_cannotConnect() throws Exception {
    KeyPair rogueCa = ecKeys();
    KeyPair clientKeys = ecKeys();
    X509Certificate rogueCert = certificate("CN=Rogue CA", clientKeys.getPublic(), "CN=intruder", rogueCa);
    ManagedChannel ch = NettyChannelBuilder.forAddress("localhost", gw.gateway.port())
        .sslContext(GrpcSslContexts.forClient().trustManager(gw.gatewayCert)
            .keyManager(clientKeys.getPrivate(), rogueCert).build())
        .build();
    try {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () ->
          EchoServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).echo(HI));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    } finally {
      ch.shutdownNow();
    }
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate certificate(String issuer, java.security.PublicKey subjectKey, String subject, KeyPair signer)
      throws Exception {
    Instant now = Instant.now();
    var b = new JcaX509v3CertificateBuilder(new X500Name(issuer), new BigInteger(64, new java.security.SecureRandom()),
        Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), new X500Name(subject), subjectKey);
    boolean isCa = issuer.equals(subject);
    b.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
        new org.bouncycastle.asn1.x509.BasicConstraints(isCa));
    b.addExtension(org.bouncycastle.asn1.x509.Extension.keyUsage, true,
        new org.bouncycastle.asn1.x509.KeyUsage(isCa
            ? org.bouncycastle.asn1.x509.KeyUsage.keyCertSign
            : org.bouncycastle.asn1.x509.KeyUsage.digitalSignature));
    if (!isCa) {
      b.addExtension(org.bouncycastle.asn1.x509.Extension.extendedKeyUsage, false,
          new org.bouncycastle.asn1.x509.ExtendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_clientAuth));
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }
}

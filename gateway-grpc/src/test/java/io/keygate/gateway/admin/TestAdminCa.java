package io.keygate.gateway.admin;

import io.keygate.gateway.admin.access.AdminIdentity;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway admin CA made with Bouncy Castle (software keys: these are the clients, not the
 * gateway) and the client certificates it issues, as keystore-admin's bootstrap will.
 */
public final class TestAdminCa {
  /** A client's key and certificate. */
  public record Client(KeyPair keys, X509Certificate certificate) {
    public AdminIdentity identity() throws Exception {
      return AdminIdentity.of(certificate);
    }
  }

  private final String name;
  private final KeyPair keys;
  final X509Certificate certificate;

  public TestAdminCa(String name) throws Exception {
    this.name = name;
    this.keys = ecKeys();
    this.certificate = sign(name, keys.getPublic(), true);
  }

  public Client issue(String subject) throws Exception {
    KeyPair client = ecKeys();
    return new Client(client, sign(subject, client.getPublic(), false));
  }

  /** A certificate for a key held elsewhere (e.g. a prepared TLS key in the HSM). */
  X509Certificate certify(String subject, PublicKey key) throws Exception {
    return sign(subject, key, false);
  }

  /** A mutual-TLS channel to a server whose certificate is {@code server}. */
  static ManagedChannel channel(int port, X509Certificate server, Client client) throws Exception {
    var tls = GrpcSslContexts.forClient().trustManager(server);
    if (client != null) {
      tls.keyManager(client.keys().getPrivate(), client.certificate());
    }
    return NettyChannelBuilder.forAddress("localhost", port)
        .sslContext(tls.build())
        .build();
  }

  private X509Certificate sign(String subject, PublicKey subjectKey, boolean isCa)
      throws Exception {
    Instant now = Instant.now();
    var b = new JcaX509v3CertificateBuilder(
        new X500Name(name),
        new BigInteger(64, new SecureRandom()),
        Date.from(now.minusSeconds(60)),
        Date.from(now.plusSeconds(3600)),
        new X500Name(subject),
        subjectKey);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    b.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(isCa ? KeyUsage.keyCertSign : KeyUsage.digitalSignature));
    if (!isCa) {
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }
}

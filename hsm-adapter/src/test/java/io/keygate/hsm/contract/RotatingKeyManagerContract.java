package io.keygate.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.tls.RotatingKeyManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Rotating a listener's TLS key: new handshakes get the new key, a connection opened before the
 * rotation keeps working, over real JSSE with both keys in a SoftHSM2 token.
 */
public abstract class RotatingKeyManagerContract extends TokenContract {
  private static final KeyLabel OLD = KeyLabel.of("tls-old");
  private static final KeyLabel NEW = KeyLabel.of("tls-new");

  @Override
  protected void prepare() throws Exception {
    token.generateEcKey(OLD, CertificateProfile.localhost("localhost", Duration.ofDays(1)));
    token.generateEcKey(NEW, CertificateProfile.localhost("localhost", Duration.ofDays(1)));
  }

  @Test
  void install_switchesNewHandshakesAndKeepsEstablishedConnections() throws Exception {
    X509Certificate oldCert = token.certificateChain(OLD).get(0);
    X509Certificate newCert = token.certificateChain(NEW).get(0);
    RotatingKeyManager keys = new RotatingKeyManager(OLD.value(), token.tlsKeyManager(OLD));
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(keys.asFactory().getKeyManagers(), null, null);
    SSLContext clientContext = trusting(oldCert, newCert);

    ExecutorService executor = Executors.newCachedThreadPool();
    try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
        .createServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      executor.submit(() -> echoEveryConnection(server, executor));
      try (SSLSocket before = connect(clientContext, server.getLocalPort())) {
        assertThat(before.getSession().getPeerCertificates()[0]).isEqualTo(oldCert);
        assertThat(roundTrip(before, 1)).isEqualTo(2);

        assertThat(keys.install(NEW.value(), token.tlsKeyManager(NEW))).isEqualTo(OLD.value());
        assertThat(keys.currentAlias()).isEqualTo(NEW.value());
        assertThat(keys.currentCertificate()).isEqualTo(newCert);

        // A fresh client: the first one's session cache would resume its session (TLS 1.3 PSK),
        // which involves no server signature and so keeps the old certificate by design.
        try (SSLSocket after = connect(trusting(oldCert, newCert), server.getLocalPort())) {
          assertThat(after.getSession().getPeerCertificates()[0]).isEqualTo(newCert);
          assertThat(roundTrip(after, 10)).isEqualTo(11);
        }
        // The connection from before the rotation was not dropped and still talks.
        assertThat(roundTrip(before, 20)).isEqualTo(21);
        assertThat(before.getSession().getPeerCertificates()[0]).isEqualTo(oldCert);
      }
    } finally {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aHandshakeThatChoseTheOldAliasStillGetsTheOldKeyAfterARotation() throws Exception {
    X509Certificate oldCert = token.certificateChain(OLD).get(0);
    X509Certificate newCert = token.certificateChain(NEW).get(0);
    RotatingKeyManager keys = new RotatingKeyManager(OLD.value(), token.tlsKeyManager(OLD));
    String chosenBefore = keys.chooseEngineServerAlias("EC", null, null);
    keys.install(NEW.value(), token.tlsKeyManager(NEW));
    String chosenAfter = keys.chooseEngineServerAlias("EC", null, null);

    // The handshake in flight: its alias still yields the OLD private key and chain. The key is
    // proven by what it signs, not by a non-null handle: the old certificate verifies its
    // signature, the new one does not.
    assertThat(chosenBefore).isEqualTo(OLD.value());
    assertThat(keys.getCertificateChain(chosenBefore)[0]).isEqualTo(oldCert);
    byte[] oldSignature = signWith(keys.getPrivateKey(chosenBefore));
    assertThat(verifies(oldCert, oldSignature)).as("old key signs for the old alias").isTrue();
    assertThat(verifies(newCert, oldSignature)).as("...and it is not the new key").isFalse();

    // A handshake that starts now: the new alias, the new key.
    assertThat(chosenAfter).isEqualTo(NEW.value());
    assertThat(keys.getCertificateChain(chosenAfter)[0]).isEqualTo(newCert);
    byte[] newSignature = signWith(keys.getPrivateKey(chosenAfter));
    assertThat(verifies(newCert, newSignature)).as("new key signs for the new alias").isTrue();
    assertThat(verifies(oldCert, newSignature)).isFalse();

    assertThat(keys.getPrivateKey("no-such-alias")).isNull();
  }

  private static final byte[] CHALLENGE = "tls handshake transcript".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /** Signs as JSSE would: the registered provider that takes this token key (SunPKCS11). */
  private static byte[] signWith(java.security.PrivateKey key) throws Exception {
    java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update(CHALLENGE);
    return s.sign();
  }

  private static boolean verifies(X509Certificate cert, byte[] signature) throws Exception {
    java.security.Signature v = java.security.Signature.getInstance("SHA256withECDSA", "SunEC");
    v.initVerify(cert.getPublicKey());
    v.update(CHALLENGE);
    return v.verify(signature);
  }

  @Test
  void install_refusesAManagerWithoutTheNamedKey() throws Exception {
    RotatingKeyManager keys = new RotatingKeyManager(OLD.value(), token.tlsKeyManager(OLD));

    assertThatThrownBy(() -> keys.install("other", token.tlsKeyManager(NEW)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(keys.currentAlias()).isEqualTo(OLD.value());
    assertThat(keys.toString()).doesNotContain("PrivateKey");
  }

  private static Void echoEveryConnection(SSLServerSocket server, ExecutorService executor) {
    List<SSLSocket> open = new ArrayList<>();
    try {
      while (true) {
        SSLSocket s = (SSLSocket) server.accept();
        open.add(s);
        executor.submit(() -> {
          try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (true) {
              out.writeInt(in.readInt() + 1);
              out.flush();
            }
          }
        });
      }
    } catch (java.io.IOException closed) {
      return null;
    }
  }

  private static int roundTrip(SSLSocket socket, int value) throws Exception {
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeInt(value);
    out.flush();
    return new DataInputStream(socket.getInputStream()).readInt();
  }

  private static SSLSocket connect(SSLContext context, int port) throws Exception {
    SSLSocket s = (SSLSocket) context.getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout(10_000);
    s.startHandshake();
    return s;
  }

  private static SSLContext trusting(X509Certificate... certs) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    for (int i = 0; i < certs.length; i++) {
      trust.setCertificateEntry("c" + i, certs[i]);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}

package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.testing.SoftHsmTokens;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rotating a listener's TLS key: new handshakes get the new key, a connection opened before the
 * rotation keeps working, over real JSSE with both keys in a SoftHSM2 token.
 */
class RotatingKeyManagerTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("rotate");
  private static SunPkcs11Token token;
  private static final KeyLabel OLD = KeyLabel.of("tls-old");
  private static final KeyLabel NEW = KeyLabel.of("tls-new");

  @BeforeAll
  static void open() throws Exception {
    token = hsm.open("rotate");
    token.generateEcKey(OLD, CertificateProfile.localhost("localhost", Duration.ofDays(1)));
    token.generateEcKey(NEW, CertificateProfile.localhost("localhost", Duration.ofDays(1)));
  }

  @AfterAll
  static void close() {
    token.close();
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
  void aHandshakeThatChoseTheOldAliasStillFindsItsKeyAfterARotation() throws Exception {
    RotatingKeyManager keys = new RotatingKeyManager(OLD.value(), token.tlsKeyManager(OLD));
    String chosen = keys.chooseEngineServerAlias("EC", null, null);
    keys.install(NEW.value(), token.tlsKeyManager(NEW));

    assertThat(chosen).isEqualTo(OLD.value());
    assertThat(keys.getPrivateKey(chosen)).isNotNull();
    assertThat(keys.getCertificateChain(chosen)[0]).isEqualTo(token.certificateChain(OLD).get(0));
    assertThat(keys.chooseEngineServerAlias("EC", null, null)).isEqualTo(NEW.value());
    assertThat(keys.getPrivateKey("no-such-alias")).isNull();
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

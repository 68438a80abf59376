package io.keygate.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** A real TLS handshake on loopback with the server's private key in the token. */
public abstract class TlsHandshakeContract extends TokenContract {
  private static final KeyLabel KEY = KeyLabel.of("gateway-tls");

  @Override
  protected void prepare() throws Exception {
    token.generateEcKey(KEY, CertificateProfile.localhost("localhost", Duration.ofDays(1)));
  }

  @Test
  void tls13Handshake_succeedsWithTheServerKeyInTheToken() throws Exception {
    assertHandshake("TLSv1.3");
  }

  @Test
  void tls12Handshake_succeedsWithTheServerKeyInTheToken() throws Exception {
    assertHandshake("TLSv1.2");
  }

  private void assertHandshake(String protocol) throws Exception {
    X509Certificate serverCert = token.certificateChain(KEY).get(0);
    SSLContext serverContext = SSLContext.getInstance("TLS");
    serverContext.init(token.tlsKeyManagerFactory(KEY).getKeyManagers(), null, null);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("gateway", serverCert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext clientContext = SSLContext.getInstance("TLS");
    clientContext.init(null, tmf.getTrustManagers(), null);

    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (SSLServerSocket server =
        (SSLServerSocket)
            serverContext
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setEnabledProtocols(new String[] {protocol});
      Future<String> served =
          executor.submit(
              () -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                  s.startHandshake();
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream();
                  out.write(in.read() + 1);
                  out.flush();
                  return s.getSession().getProtocol();
                }
              });
      try (SSLSocket client =
          (SSLSocket)
              clientContext
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        client.setEnabledProtocols(new String[] {protocol});
        var params = client.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(params);
        client.setSoTimeout(10_000);
        client.startHandshake();
        assertThat(client.getSession().getProtocol()).isEqualTo(protocol);
        assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(serverCert);
        client.getOutputStream().write(41);
        client.getOutputStream().flush();
        assertThat(client.getInputStream().read()).isEqualTo(42);
      }
      assertThat(served.get(30, TimeUnit.SECONDS)).isEqualTo(protocol);
    } finally {
      executor.shutdownNow();
    }
  }
}

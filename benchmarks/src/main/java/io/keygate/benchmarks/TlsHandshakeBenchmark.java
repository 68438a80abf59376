package io.keygate.benchmarks;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.tls.RotatingKeyManager;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A full TLS 1.3 handshake (in memory, two SSLEngines, no network) with the server key in the
 * token, through the key manager the listeners use since TLS key rotation ({@link
 * #rotatingKeyManager}: replaceable while serving) and through the fixed one it replaced ({@link
 * #pinnedKeyManager}, the ruler). Same token key, same run: the ratio says what rotation costs a
 * handshake. No session resumption: every handshake signs in the token.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TlsHandshakeBenchmark {
  private HsmToken token;
  private KeyLabel label;
  private SSLContext pinned;
  private SSLContext rotating;
  private SSLContext client;

  @Setup(Level.Trial)
  public void createKey() throws Exception {
    token = BenchmarkToken.open();
    try {
      label = BenchmarkToken.uniqueLabel("bench-tls", SecureRandom.getInstance("DRBG"));
      token.generateEcKey(label, CertificateProfile.localhost("keygate-bench", Duration.ofDays(1)));
      pinned = SSLContext.getInstance("TLSv1.3");
      pinned.init(token.tlsKeyManagerFactory(label).getKeyManagers(), null, null);
      rotating = SSLContext.getInstance("TLSv1.3");
      rotating.init(new RotatingKeyManager(label.value(), token.tlsKeyManager(label))
          .asFactory().getKeyManagers(), null, null);
      client = trusting(token.certificateChain(label).get(0));
      // Both must complete, or the numbers compare a failure with a handshake.
      handshake(pinned);
      handshake(rotating);
    } catch (Exception | Error e) {
      token.close();
      throw e;
    }
  }

  @TearDown(Level.Trial)
  public void destroyKey() throws HsmException {
    try {
      token.destroyKey(label);
    } finally {
      token.close();
    }
  }

  @Benchmark
  public SSLEngine pinnedKeyManager() throws SSLException {
    return handshake(pinned);
  }

  @Benchmark
  public SSLEngine rotatingKeyManager() throws SSLException {
    return handshake(rotating);
  }

  /** Runs one handshake to completion; returns the server engine so the work is not dropped. */
  private SSLEngine handshake(SSLContext server) throws SSLException {
    // No peer host/port: the client cannot resume an earlier session, so each one is full.
    SSLEngine c = client.createSSLEngine();
    c.setUseClientMode(true);
    SSLEngine s = server.createSSLEngine();
    s.setUseClientMode(false);
    int size = Math.max(c.getSession().getPacketBufferSize(), s.getSession().getPacketBufferSize());
    ByteBuffer toServer = ByteBuffer.allocate(size * 4);
    ByteBuffer toClient = ByteBuffer.allocate(size * 4);
    ByteBuffer app = ByteBuffer.allocate(c.getSession().getApplicationBufferSize() * 2);
    ByteBuffer empty = ByteBuffer.allocate(0);
    c.beginHandshake();
    s.beginHandshake();
    for (int step = 0; step < 100; step++) {
      if (done(c) && done(s)) {
        return s;
      }
      move(c, empty, toServer, toClient, app);
      move(s, empty, toClient, toServer, app);
    }
    throw new SSLException("handshake did not finish in 100 steps");
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus h = e.getHandshakeStatus();
    return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
  }

  /** One engine's turn: read what the peer sent, write what it has to say, run its tasks. */
  private static void move(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in,
      ByteBuffer app) throws SSLException {
    in.flip();
    while (in.hasRemaining()) {
      app.clear();
      SSLEngineResult r = e.unwrap(in, app);
      runTasks(e);
      if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
        break;
      }
    }
    in.compact();
    while (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
      SSLEngineResult r = e.wrap(empty, out);
      runTasks(e);
      if (r.getStatus() != SSLEngineResult.Status.OK) {
        break;
      }
    }
    runTasks(e);
  }

  private static void runTasks(SSLEngine e) {
    Runnable task;
    while ((task = e.getDelegatedTask()) != null) {
      task.run();
    }
  }

  private static SSLContext trusting(X509Certificate cert) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("gateway", cert);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}

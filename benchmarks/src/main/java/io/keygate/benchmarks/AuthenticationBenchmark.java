package io.keygate.benchmarks;

import io.keygate.client.AccessSecret;
import io.keygate.client.XcaSigner;
import io.keygate.gateway.auth.AuthResult;
import io.keygate.gateway.auth.InMemoryNonceStore;
import io.keygate.gateway.auth.MacVerifier;
import io.keygate.gateway.auth.ReplayWindow;
import io.keygate.gateway.auth.RequestAuthenticator;
import io.keygate.gateway.auth.Screening;
import io.keygate.gateway.auth.SignedRequest;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import io.keygate.proto.demo.v1.EchoRequest;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The gateway's whole authentication step for one call, as its data plane runs it: the X-Ca
 * headers copied into a {@link SignedRequest}, {@link RequestAuthenticator#screen} (parse, replay
 * window, credential), the request completed with its first message (SHA-256 of the body), then
 * {@link RequestAuthenticator#verify} (digest, string-to-sign, HMAC in the HSM). {@link
 * #hsmScreenAndVerify} verifies in the token, as the gateway does; {@link
 * #softwareScreenAndVerify} verifies with SunJCE, so the pair says how much of the step is the HSM.
 *
 * <p>Not timed: recording the nonce, which happens only after authorization (the gateway-call
 * benchmark includes it). The same signed request is verified over and over, so the clock is
 * fixed at its signing time and the replay window always accepts it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AuthenticationBenchmark {
  private static final String ACCESS_KEY = "AKbenchAuthentication01";
  private static final String PATH = "/keygate.demo.v1.EchoService/Echo";
  private static final String AUTHORITY = "localhost:8443";
  private static final Instant SIGNED_AT = Instant.parse("2026-12-01T12:00:00Z");
  /**
   * Steps run in setup, untimed, before JMH's own warm-up: a count, not a time, so that the JIT
   * has compiled the step (and stopped allocating what escape analysis removes) whatever the
   * machine's speed, even in the gate's short run.
   */
  static final int WARMUP_STEPS = 20_000;

  private HsmToken token;
  private KeyLabel label;
  private ConfigSnapshot snapshot;
  private RequestAuthenticator inToken;
  private RequestAuthenticator inSoftware;
  /** The x-ca-* headers as the gRPC layer hands them over: lower-case names, a list of values. */
  private Map<String, List<String>> metadata;
  private byte[] body;

  @Setup(Level.Trial)
  public void signRequest(BenchmarkParams params) throws Exception {
    SecureRandom random = SecureRandom.getInstance("DRBG");
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    // A unary Echo message of about the size the load tests send.
    body = EchoRequest.newBuilder().setMessage("hello from the benchmark").build().toByteArray();
    Clock clock = Clock.fixed(SIGNED_AT, ZoneOffset.UTC);

    token = BenchmarkToken.open();
    try {
      label = BenchmarkToken.uniqueLabel("bench-auth", random);
      try (SecretBytes imported = SecretBytes.copyOf(secret)) {
        token.importHmacSecret(label, imported);
      }
      snapshot = new ConfigSnapshot(1, List.of(), List.of(), List.of(),
          List.of(new Credential(ACCESS_KEY, "bench-app", "bench-tenant", label, null, false, null)),
          List.of(), List.of());
      HsmToken hsm = token;
      inToken = authenticator((c, data, mac) -> hsm.verifyMac(c.secretLabel(), data, mac), clock);
      inSoftware = authenticator(new SoftwareMacVerifier(secret), clock);
      XcaSigner signer = XcaSigner.builder(ACCESS_KEY, AccessSecret.copyOf(secret)).clock(clock).build();
      metadata = new LinkedHashMap<>();
      signer.sign(PATH, AUTHORITY, body).headers().forEach((name, value) -> metadata.put(name, List.of(value)));
      // Both must accept it, or the numbers would time a refusal.
      hsmScreenAndVerify();
      softwareScreenAndVerify();
      RequestAuthenticator measured =
          params.getBenchmark().endsWith(".softwareScreenAndVerify") ? inSoftware : inToken;
      for (int i = 0; i < WARMUP_STEPS; i++) {
        screenAndVerify(measured);
      }
    } catch (Exception | Error e) {
      token.close();
      throw e;
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  @TearDown(Level.Trial)
  public void destroySecret() throws HsmException {
    try {
      token.destroyKey(label);
    } finally {
      token.close();
    }
  }

  /** Screen and verify with the HMAC computed in the token: what the gateway does per call. */
  @Benchmark
  public AuthResult hsmScreenAndVerify() throws HsmException {
    return screenAndVerify(inToken);
  }

  /** The same step with the HMAC in SunJCE: the rest of the step's cost, for comparison. */
  @Benchmark
  public AuthResult softwareScreenAndVerify() throws HsmException {
    return screenAndVerify(inSoftware);
  }

  private AuthResult screenAndVerify(RequestAuthenticator authenticator) throws HsmException {
    SignedRequest headers = SignedRequest.headersOnly(PATH, AUTHORITY, metadata);
    Screening screening = authenticator.screen(headers, snapshot);
    if (!(screening instanceof Screening.Passed passed)) {
      throw new IllegalStateException("screening refused the benchmark's request: " + screening);
    }
    AuthResult result = authenticator.verify(passed, headers.withFirstMessage(body));
    if (!result.isAuthenticated()) {
      throw new IllegalStateException("the benchmark's request did not verify: " + result);
    }
    return result;
  }

  private static RequestAuthenticator authenticator(MacVerifier verifier, Clock clock) {
    // The nonce store is never reached: screen and verify do not record nonces.
    return new RequestAuthenticator(
        verifier, new InMemoryNonceStore(clock, 1_000), ReplayWindow.withDefaultWindow(clock));
  }

  /**
   * HMAC-SHA256 in SunJCE, a Mac per thread (a Mac is not thread-safe), compared in constant time
   * like the token's verify.
   */
  private static final class SoftwareMacVerifier implements MacVerifier {
    private final ThreadLocal<Mac> macs;

    SoftwareMacVerifier(byte[] secret) throws GeneralSecurityException {
      SecretKeySpec key = new SecretKeySpec(secret, "HmacSHA256");
      HmacVerifyBenchmark.newSoftwareMac(key); // fails here, not in the first timed call
      this.macs = ThreadLocal.withInitial(() -> {
        try {
          return HmacVerifyBenchmark.newSoftwareMac(key);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException(e);
        }
      });
    }

    @Override
    public void verify(Credential credential, byte[] data, byte[] mac)
        throws InvalidMacException {
      if (!MessageDigest.isEqual(macs.get().doFinal(data), mac)) {
        throw new InvalidMacException(credential.secretLabel());
      }
    }
  }
}

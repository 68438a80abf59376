package io.keygate.benchmarks;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyAlreadyExistsException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.WrappedSecret;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import io.keygate.hsm.pkcs11.DirectWrappedMacs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The key hierarchy (issue 11): a request's HMAC checked against a secret the config store holds
 * wrapped under a KEK, through {@link DirectWrappedMacs}, beside the legacy token-key verify and
 * the SunJCE ruler, all in one run. Also what a cache miss costs (unwrap, then verify) and what
 * issuing a secret costs.
 *
 * <p>Each benchmark uses only the state it needs, so a fork sets up only that: the officer makes
 * the KEK (before this process logs in as the user, which PKCS#11 requires) only in the forks of
 * the wrapped benchmarks, and the token-key fork never logs in as the officer.
 *
 * <p>The heap is fixed and touched up front ({@link Fork#jvmArgs}) so that the resident-memory
 * figure printed by {@link WarmCache} is SoftHSM's native memory, not the heap growing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class WrappedVerifyBenchmark {
  /** Reused by every fork on the token; the token is a throwaway one (benchmarks/run.sh). */
  static final KekId KEK = KekId.of("bench");

  private static final int SECRET_BYTES = 32;

  /** Keys with a valid MAC that the warm benchmark cycles through, whatever the cache holds. */
  static final int PROBES = 1000;

  /** A cached secret, verified with a valid MAC: the path of a request that is let in. */
  @Benchmark
  public void wrappedVerifyWarm(WarmCache cache, Cursor cursor)
      throws HsmException, InvalidMacException {
    Probe p = cache.probes.get(cursor.next(cache.probes.size()));
    cache.macs.verifyMac(p.stored, cache.message, p.mac);
  }

  /** The legacy path: a token object found by label, verified through SunPKCS11. */
  @Benchmark
  public void tokenKeyVerify(TokenKey key) throws HsmException, InvalidMacException {
    key.token.verifyMac(key.label, key.message, key.mac);
  }

  /** The ruler: SunJCE with an initialised Mac, as in {@link HmacVerifyBenchmark}. */
  @Benchmark
  public boolean softwareVerify(Software software) {
    return MessageDigest.isEqual(software.mac.doFinal(software.message), software.expected);
  }

  /**
   * A secret not in the cache: evict the least recent key (destroyed in the token), unwrap this
   * one, verify. Sampled, for the tail.
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  public void coldFirstCall(ColdCache cache) throws HsmException, InvalidMacException {
    Probe p = cache.secrets.get((int) (cache.calls.getAndIncrement() % cache.secrets.size()));
    cache.macs.verifyMac(p.stored, cache.message, p.mac);
  }

  /** Issuance: a secret made in the token, wrapped under the KEK and encrypted to the officer. */
  @Benchmark
  public IssuedSecret issueSecret(Issuer issuer) throws HsmException {
    return issuer.hierarchy.macs.generateHmacSecret(KEK, SECRET_BYTES, issuer.hierarchy.recipient);
  }

  /** A wrapped secret and a valid MAC of the message under it. */
  record Probe(WrappedSecret stored, byte[] mac) {}

  /**
   * The token opened as a node opens it, with a KEK made by the officer first, and the officer's
   * one-time RSA key that issued secrets are encrypted to.
   */
  static final class Hierarchy implements AutoCloseable {
    final DirectWrappedMacs macs;
    final RSAPublicKey recipient;
    private final KeyPair officer;
    final byte[] message;

    Hierarchy(int cacheKeys) throws Exception {
      try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
          BenchmarkToken.config(), BenchmarkToken.soPin())) {
        so.generateKek(KEK);
      } catch (KeyAlreadyExistsException e) {
        // an earlier fork on this token made it
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
      g.initialize(WrappedMacKeys.MIN_RECIPIENT_BITS);
      officer = g.generateKeyPair();
      recipient = (RSAPublicKey) officer.getPublic();
      message = randomMessage();
      macs = DirectWrappedMacs.open(BenchmarkToken.config(), BenchmarkToken.userPin(),
          DirectWrappedMacs.DEFAULT_SESSIONS, cacheKeys, Clock.systemUTC());
    }

    IssuedSecret issue() throws HsmException {
      return macs.generateHmacSecret(KEK, SECRET_BYTES, recipient);
    }

    /** What the recipient's tool does: decrypt the secret, here only to sign the message. */
    Probe probe(IssuedSecret issued) throws GeneralSecurityException {
      Cipher c = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER, "SunJCE");
      c.init(Cipher.DECRYPT_MODE, officer.getPrivate());
      byte[] secret = c.doFinal(issued.forRecipient());
      try {
        return new Probe(issued.stored(),
            HmacVerifyBenchmark.newSoftwareMac(new SecretKeySpec(secret, "HmacSHA256"))
                .doFinal(message));
      } finally {
        Arrays.fill(secret, (byte) 0);
      }
    }

    @Override
    public void close() {
      macs.close();
    }
  }

  /**
   * {@code cachedKeys} secrets issued and unwrapped (the cache holds exactly that many, so nothing
   * is evicted), of which {@link #PROBES}, spread over the issuance order, are verified in a
   * shuffled cycle. So the two sizes differ only in how many other keys the cache and the token
   * hold; the hot set is the same.
   */
  @State(Scope.Benchmark)
  public static class WarmCache {
    @Param({"1000", "100000"})
    int cachedKeys;

    Hierarchy hierarchy;
    DirectWrappedMacs macs;
    byte[] message;
    List<Probe> probes;
    private long unwrapsTimed;

    @Setup(Level.Trial)
    public void fill() throws Exception {
      if (cachedKeys < PROBES) {
        throw new IllegalArgumentException("cachedKeys must be at least " + PROBES);
      }
      hierarchy = new Hierarchy(cachedKeys);
      macs = hierarchy.macs;
      message = hierarchy.message;
      try {
        List<WrappedSecret> stored = new ArrayList<>(cachedKeys);
        probes = new ArrayList<>(PROBES);
        int every = cachedKeys / PROBES;
        long issuing = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < cachedKeys; i++) {
          long start = System.nanoTime();
          IssuedSecret issued = hierarchy.issue();
          issuing += System.nanoTime() - start;
          stored.add(issued.stored());
          if (i % every == 0 && probes.size() < PROBES) {
            probes.add(hierarchy.probe(issued));
          }
        }
        long t1 = System.nanoTime();
        System.out.printf("%nWarmCache(%d): issued %d secrets in %.1f s of generateHmacSecret"
                + " (%.0f µs each); %.1f s in all with the RSA decrypts of %d probes%n",
            cachedKeys, cachedKeys, issuing / 1e9, issuing / 1e3 / cachedKeys, (t1 - t0) / 1e9,
            PROBES);

        long unwraps0 = macs.unwraps();
        long rss0 = residentKiB();
        int p = 0;
        byte[] wrongMac = new byte[32];
        for (int i = 0; i < cachedKeys; i++) {
          if (i % every == 0 && p < PROBES) {
            macs.verifyMac(stored.get(i), message, probes.get(p++).mac()); // must be accepted
          } else {
            try {
              macs.verifyMac(stored.get(i), message, wrongMac); // unwraps, then refuses
              throw new IllegalStateException("a zero MAC was accepted");
            } catch (InvalidMacException expected) {
              // the key is unwrapped and cached all the same
            }
          }
        }
        long t2 = System.nanoTime();
        long rss1 = residentKiB();
        long unwrapped = macs.unwraps() - unwraps0;
        if (unwrapped != cachedKeys || macs.cachedKeys() != cachedKeys) {
          throw new IllegalStateException("filling unwrapped " + unwrapped + " and cached "
              + macs.cachedKeys() + " keys, not " + cachedKeys);
        }
        System.out.printf("WarmCache(%d): unwrapped %d keys in %.1f s (%.0f µs each); VmRSS %d ->"
                + " %d KiB: %.0f bytes per cached key%n", cachedKeys, unwrapped, (t2 - t1) / 1e9,
            (t2 - t1) / 1e3 / cachedKeys, rss0, rss1, (rss1 - rss0) * 1024.0 / cachedKeys);
        Collections.shuffle(probes, new SecureRandom());
        unwrapsTimed = macs.unwraps();
      } catch (Exception | Error e) {
        hierarchy.close();
        throw e;
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      long misses = macs.unwraps() - unwrapsTimed;
      hierarchy.close();
      System.out.printf("%nWarmCache(%d): %d unwraps while timed (must be 0)%n", cachedKeys, misses);
      if (misses != 0) {
        throw new IllegalStateException("the warm benchmark missed the cache " + misses + " times");
      }
    }
  }

  /** Where a benchmark thread is in the probe cycle. */
  @State(Scope.Thread)
  public static class Cursor {
    private int at;

    int next(int size) {
      int i = at;
      at = i + 1 == size ? 0 : i + 1;
      return i;
    }
  }

  /**
   * {@link #SECRETS} secrets cycled in order through a cache of half as many: with least recently
   * used eviction, every call is a miss. Checked: unwraps during the trial equal calls.
   */
  @State(Scope.Benchmark)
  public static class ColdCache {
    static final int SECRETS = 64;

    Hierarchy hierarchy;
    DirectWrappedMacs macs;
    byte[] message;
    List<Probe> secrets;
    final AtomicLong calls = new AtomicLong();
    private long unwrapsBefore;

    @Setup(Level.Trial)
    public void issue() throws Exception {
      hierarchy = new Hierarchy(SECRETS / 2);
      macs = hierarchy.macs;
      message = hierarchy.message;
      try {
        secrets = new ArrayList<>(SECRETS);
        for (int i = 0; i < SECRETS; i++) {
          Probe p = hierarchy.probe(hierarchy.issue());
          macs.verifyMac(p.stored(), message, p.mac()); // fails the trial if they disagree
          secrets.add(p);
        }
        // the cache now holds the last half; the cycle starts at the first, which is not cached
        unwrapsBefore = macs.unwraps();
      } catch (Exception | Error e) {
        hierarchy.close();
        throw e;
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      long unwraps = macs.unwraps() - unwrapsBefore;
      long n = calls.get();
      hierarchy.close();
      System.out.printf("%nColdCache: %d calls, %d unwraps (must be equal)%n", n, unwraps);
      if (unwraps != n) {
        throw new IllegalStateException(n + " calls but " + unwraps + " unwraps: not all misses");
      }
    }
  }

  /** A hierarchy for issuance; its cache is never used. */
  @State(Scope.Benchmark)
  public static class Issuer {
    Hierarchy hierarchy;

    @Setup(Level.Trial)
    public void open() throws Exception {
      hierarchy = new Hierarchy(1);
    }

    @TearDown(Level.Trial)
    public void close() {
      hierarchy.close();
    }
  }

  /** A 32-byte secret imported as a token object under a new label, as before issue 11. */
  @State(Scope.Benchmark)
  public static class TokenKey {
    HsmToken token;
    KeyLabel label;
    byte[] message;
    byte[] mac;

    @Setup(Level.Trial)
    public void importSecret() throws Exception {
      SecureRandom random = SecureRandom.getInstance("DRBG");
      message = randomMessage();
      byte[] secret = new byte[SECRET_BYTES];
      random.nextBytes(secret);
      token = BenchmarkToken.open();
      try {
        label = BenchmarkToken.uniqueLabel("bench-wrapped-legacy", random);
        try (SecretBytes imported = SecretBytes.copyOf(secret)) {
          token.importHmacSecret(label, imported);
        }
        mac = HmacVerifyBenchmark.newSoftwareMac(new SecretKeySpec(secret, "HmacSHA256"))
            .doFinal(message);
        token.verifyMac(label, message, mac);
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
  }

  /** The ruler's Mac; per thread, since a Mac is not thread-safe. */
  @State(Scope.Thread)
  public static class Software {
    Mac mac;
    byte[] message;
    byte[] expected;

    @Setup(Level.Trial)
    public void init() throws GeneralSecurityException {
      byte[] secret = new byte[SECRET_BYTES];
      SecureRandom.getInstance("DRBG").nextBytes(secret);
      message = randomMessage();
      mac = HmacVerifyBenchmark.newSoftwareMac(new SecretKeySpec(secret, "HmacSHA256"));
      expected = mac.doFinal(message);
    }
  }

  static byte[] randomMessage() {
    byte[] m = new byte[HmacVerifyBenchmark.MESSAGE_BYTES];
    new SecureRandom().nextBytes(m);
    return m;
  }

  /** VmRSS of this JVM from /proc/self/status, in KiB. */
  static long residentKiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).replace("kB", "").strip());
      }
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }
}

package io.keygate.hsm.pkcs11;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * How a {@link SunPkcs11Token} behaves; clock and randomness are injected so tests control them.
 *
 * @param minRefreshInterval the least time between two re-reads of the key list caused by lookups
 *     of unknown labels
 */
public record Pkcs11TokenOptions(Clock clock, Duration minRefreshInterval, SecureRandom random) {

  public static Pkcs11TokenOptions defaults() {
    try {
      return new Pkcs11TokenOptions(
          Clock.systemUTC(), Duration.ofSeconds(1), SecureRandom.getInstance("DRBG"));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("DRBG is part of every JDK since 9", e);
    }
  }

  public Pkcs11TokenOptions withClock(Clock c) {
    return new Pkcs11TokenOptions(c, minRefreshInterval, random);
  }

  public Pkcs11TokenOptions withMinRefreshInterval(Duration d) {
    return new Pkcs11TokenOptions(clock, d, random);
  }

  /** The source of AES-GCM IVs, EC key generation and ECDSA nonces' extra entropy. */
  public Pkcs11TokenOptions withRandom(SecureRandom r) {
    return new Pkcs11TokenOptions(clock, minRefreshInterval, r);
  }
}

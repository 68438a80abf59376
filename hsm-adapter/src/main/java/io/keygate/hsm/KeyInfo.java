package io.keygate.hsm;

import java.time.Instant;
import java.util.Optional;

/**
 * Metadata of one key in the token: never its bytes.
 *
 * @param created when the key was made, if the token records it (EC keys: the notBefore of the
 *     certificate stored with them; secret keys: not recorded by the token, see docs)
 * @param sensitive CKA_SENSITIVE as the token reports it
 * @param extractable CKA_EXTRACTABLE as the token reports it
 */
public record KeyInfo(
    KeyLabel label,
    KeyType type,
    Instant created,
    boolean tokenObject,
    boolean sensitive,
    boolean extractable) {

  public Optional<Instant> createdAt() {
    return Optional.ofNullable(created);
  }

  /** True when the key can be used but never read out of the token. */
  public boolean isProtected() {
    return tokenObject && sensitive && !extractable;
  }
}

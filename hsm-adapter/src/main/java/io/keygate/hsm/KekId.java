package io.keygate.hsm;

import java.util.regex.Pattern;

/**
 * Names a key-encryption key (KEK): an AES-256 key the security officer generated inside the
 * token, able only to wrap and unwrap AccessSecrets. The token holds it under the label {@code
 * keygate.kek.<id>}; the config store names it next to every blob it wrapped. Not secret.
 *
 * <p>A value class rather than a record so that its token label is made once: every MAC check
 * names the KEK of the secret it checks, and building the label (a checked {@link KeyLabel}) each
 * time cost a regular-expression match a signed call.
 */
public final class KekId {
  private static final Pattern ALLOWED = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
  private static final String LABEL_PREFIX = "keygate.kek.";
  private static final String PAYLOAD_LABEL_PREFIX = "keygate.pkek.";

  private final String value;
  private final KeyLabel label;

  public KekId(String value) {
    if (value == null || !ALLOWED.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "a KEK id is 1-32 characters of a-z 0-9 and '-', starting with a letter or digit");
    }
    this.value = value;
    this.label = KeyLabel.of(LABEL_PREFIX + value);
  }

  /** The id, as the config store and the admin API name it. */
  public String value() {
    return value;
  }

  public static KekId of(String value) {
    return new KekId(value);
  }

  /** Whether {@code value} would make an id (for input that must be refused, not thrown on). */
  public static boolean isValid(String value) {
    return value != null && ALLOWED.matcher(value).matches();
  }

  /** The token label of this KEK. */
  public KeyLabel label() {
    return label;
  }

  /**
   * The token label of the payload KEK of this id: the KEK that wraps AES-256-GCM payload keys
   * (docs/payload-encryption.md). A separate key, because a credential KEK's unwrap template
   * forces every key it unwraps to be a verify-only HMAC key.
   */
  public KeyLabel payloadLabel() {
    return KeyLabel.of(PAYLOAD_LABEL_PREFIX + value);
  }

  /** Whether {@code label} names a KEK (tools hide KEKs from key listings). */
  public static boolean isKekLabel(KeyLabel label) {
    return label.value().startsWith(LABEL_PREFIX)
        && isValid(label.value().substring(LABEL_PREFIX.length()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KekId other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value;
  }
}

package io.keygate.gateway.admin.access;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;

/**
 * How an admin principal is recognised: by the subject DN of its client certificate, or by the
 * SHA-256 of the certificate itself. Values are normalised on the way in, so the same identity
 * always produces the same stored string (DN as the JDK prints it in RFC 2253 form; fingerprint
 * as 64 lower-case hex digits).
 */
public record IdentityMatch(Kind kind, String value) {
  static final int MAX_SUBJECT = 512;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public enum Kind {
    SUBJECT,
    SHA256
  }

  public IdentityMatch {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
  }

  /**
   * @throws IllegalArgumentException if {@code dn} is not a distinguished name, or too long
   */
  public static IdentityMatch subject(String dn) {
    Objects.requireNonNull(dn, "subject");
    String normalised = new X500Principal(dn).getName(X500Principal.RFC2253);
    if (normalised.isEmpty() || normalised.length() > MAX_SUBJECT) {
      throw new IllegalArgumentException(
          "subject must be a non-empty DN of at most 512 characters");
    }
    return new IdentityMatch(Kind.SUBJECT, normalised);
  }

  /**
   * Accepts upper or lower case, with or without colons (as {@code openssl x509 -fingerprint
   * -sha256} prints it).
   *
   * @throws IllegalArgumentException if it is not 32 bytes of hex
   */
  public static IdentityMatch sha256(String fingerprint) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    String normalised = fingerprint.replace(":", "").toLowerCase(Locale.ROOT);
    if (!SHA256.matcher(normalised).matches()) {
      throw new IllegalArgumentException("certificate SHA-256 must be 64 hex digits");
    }
    return new IdentityMatch(Kind.SHA256, normalised);
  }

  static IdentityMatch sha256(byte[] digest) {
    return new IdentityMatch(Kind.SHA256, HexFormat.of().formatHex(digest));
  }

  /** The inverse of {@link #toString()}: {@code subject:<DN>} or {@code sha256:<hex>}. */
  public static IdentityMatch parse(String text) {
    if (text.startsWith("subject:")) {
      return subject(text.substring("subject:".length()));
    }
    if (text.startsWith("sha256:")) {
      return sha256(text.substring("sha256:".length()));
    }
    throw new IllegalArgumentException("identity must be subject:<DN> or sha256:<hex>");
  }

  @Override
  public String toString() {
    return (kind == Kind.SUBJECT ? "subject:" : "sha256:") + value;
  }
}

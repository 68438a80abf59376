package io.keygate.hsm;

import java.util.regex.Pattern;

/**
 * The label of a key in the token (CKA_LABEL). Labels are names, not secrets: they appear in logs
 * and error messages. Restricted to a safe character set so they never need escaping.
 */
public record KeyLabel(String value) {
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  public KeyLabel {
    if (value == null || !ALLOWED.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "key label must be 1-64 characters of A-Z a-z 0-9 . _ : -");
    }
  }

  public static KeyLabel of(String value) {
    return new KeyLabel(value);
  }

  /** Whether {@code value} would make a label (for input that must be refused, not thrown on). */
  public static boolean isValid(String value) {
    return value != null && ALLOWED.matcher(value).matches();
  }

  @Override
  public String toString() {
    return value;
  }
}

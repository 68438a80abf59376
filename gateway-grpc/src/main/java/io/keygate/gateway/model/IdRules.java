package io.keygate.gateway.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the store accepts as ids, names, method names and targets. Checked before any SQL runs, so
 * a bad value is an {@link InvalidValueException} (a caller's mistake) rather than a database
 * error, and so every stored id is safe to print. Ids exclude whitespace because some databases
 * ignore trailing spaces when comparing.
 */
public final class IdRules {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  // A full gRPC method name as protoc generates it: package.Service/Method, no leading slash.
  private static final Pattern METHOD =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_.]{0,200}/[A-Za-z_][A-Za-z0-9_]{0,100}");
  private static final int MAX_NAME = 200;

  private IdRules() {}

  public static String id(String what, String value) {
    Objects.requireNonNull(value, what);
    if (!ID.matcher(value).matches()) {
      throw new InvalidValueException(what + " must be 1-64 characters of A-Z a-z 0-9 . _ : -");
    }
    return value;
  }

  public static String name(String what, String value) {
    Objects.requireNonNull(value, what);
    if (value.isBlank() || value.length() > MAX_NAME || value.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidValueException(
          what + " must be 1-" + MAX_NAME + " printable characters, not all blank");
    }
    return value;
  }

  public static String methodName(String value) {
    Objects.requireNonNull(value, "method name");
    if (value.length() > 255 || !METHOD.matcher(value).matches()) {
      throw new InvalidValueException(
          "method name must look like package.Service/Method (no leading slash, at most 255 chars)");
    }
    return value;
  }

  /**
   * A backend target in one of the forms {@link BackendTarget#parse} reads, returned as written:
   * the rule lives there, so what the store accepts is exactly what the proxy can dial.
   */
  public static String backendTarget(String value) {
    BackendTarget.parse(value);
    return value;
  }
}

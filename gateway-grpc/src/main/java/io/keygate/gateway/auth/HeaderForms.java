package io.keygate.gateway.auth;

import java.util.function.IntPredicate;

/**
 * The forms of docs/signature-spec.md that {@link SignatureHeaders} checks, written out by hand:
 * each is a character class over a range of lengths, and a {@code Pattern.matcher} per header
 * allocated a Matcher and its group arrays for every signed call. The regular expressions they
 * replace are kept beside each method, and HeaderFormsTest checks every method against its
 * expression over generated strings.
 */
final class HeaderForms {
  private static final String LAST_SIGNATURE_CHARS = "AEIMQUYcgkosw048";

  private HeaderForms() {}

  /** {@code /[\x21-\x7E]{1,511}} */
  static boolean isPath(String s) {
    return s.length() >= 2 && s.length() <= 512 && s.charAt(0) == '/'
        && all(s, 1, s.length(), HeaderForms::isVisibleAscii);
  }

  /** {@code [\x21-\x7E]{1,512}} */
  static boolean isAuthority(String s) {
    return s.length() >= 1 && s.length() <= 512 && all(s, 0, s.length(), HeaderForms::isVisibleAscii);
  }

  /** {@code [1-9][0-9]{0,15}} */
  static boolean isTimestamp(String s) {
    return s.length() >= 1 && s.length() <= 16 && s.charAt(0) != '0'
        && all(s, 0, s.length(), HeaderForms::isDigit);
  }

  /** {@code [A-Za-z0-9_-]{16,64}} */
  static boolean isNonce(String s) {
    return s.length() >= 16 && s.length() <= 64 && all(s, 0, s.length(), HeaderForms::isNonceChar);
  }

  /** {@code [0-9a-f]{64}} */
  static boolean isSha256Hex(String s) {
    return s.length() == 64 && all(s, 0, 64, HeaderForms::isLowerHex);
  }

  /**
   * {@code [A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=}: exactly 32 bytes in padded standard base64; the
   * last character carries 2 zero bits.
   */
  static boolean isSignature(String s) {
    return s.length() == 44 && all(s, 0, 42, HeaderForms::isBase64Char)
        && LAST_SIGNATURE_CHARS.indexOf(s.charAt(42)) >= 0 && s.charAt(43) == '=';
  }

  /** {@code x-ca-[a-z0-9-]{1,59}} */
  static boolean isSignableName(String s) {
    return s.length() >= 6 && s.length() <= 64 && s.startsWith("x-ca-")
        && all(s, 5, s.length(), HeaderForms::isNameChar);
  }

  private static boolean all(String s, int from, int to, IntPredicate allowed) {
    for (int i = from; i < to; i++) {
      if (!allowed.test(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isVisibleAscii(int c) {
    return c >= 0x21 && c <= 0x7E;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLowerAlpha(int c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean isAlnum(int c) {
    return isLowerAlpha(c) || (c >= 'A' && c <= 'Z') || isDigit(c);
  }

  private static boolean isNonceChar(int c) {
    return isAlnum(c) || c == '_' || c == '-';
  }

  private static boolean isLowerHex(int c) {
    return isDigit(c) || (c >= 'a' && c <= 'f');
  }

  private static boolean isBase64Char(int c) {
    return isAlnum(c) || c == '+' || c == '/';
  }

  private static boolean isNameChar(int c) {
    return isLowerAlpha(c) || isDigit(c) || c == '-';
  }
}

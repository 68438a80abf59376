package io.keygate.gateway.auth;

import java.util.function.IntPredicate;

/**
 * The forms of docs/signature-spec.md that {@link SignatureHeaders} checks, written out by hand:
 * each is a character class over a range of lengths, and a {@code Pattern.matcher} per header
 * allocated a Matcher and its group arrays for every signed call. The regular expressions they
 * replace are kept beside each method, and HeaderFormsTest checks every method against its
 * expression over generated strings.
 *
 * <p>Each character class is a 128-bit set made once ({@link CharClass}): one final type at the
 * loop's test, where a predicate per class made the call megamorphic, a call a character.
 */
final class HeaderForms {
  private static final String LAST_SIGNATURE_CHARS = "AEIMQUYcgkosw048";
  private static final CharClass VISIBLE = CharClass.of(HeaderForms::isVisibleAscii);
  private static final CharClass DIGIT = CharClass.of(HeaderForms::isDigit);
  private static final CharClass NONCE = CharClass.of(HeaderForms::isNonceChar);
  private static final CharClass LOWER_HEX = CharClass.of(HeaderForms::isLowerHex);
  private static final CharClass BASE64 = CharClass.of(HeaderForms::isBase64Char);
  private static final CharClass NAME = CharClass.of(HeaderForms::isNameChar);

  private HeaderForms() {}

  /** {@code /[\x21-\x7E]{1,511}} */
  static boolean isPath(String s) {
    return s.length() >= 2 && s.length() <= 512 && s.charAt(0) == '/'
        && all(s, 1, s.length(), VISIBLE);
  }

  /** {@code [\x21-\x7E]{1,512}} */
  static boolean isAuthority(String s) {
    return s.length() >= 1 && s.length() <= 512 && all(s, 0, s.length(), VISIBLE);
  }

  /** {@code [1-9][0-9]{0,15}} */
  static boolean isTimestamp(String s) {
    return s.length() >= 1 && s.length() <= 16 && s.charAt(0) != '0'
        && all(s, 0, s.length(), DIGIT);
  }

  /** {@code [A-Za-z0-9_-]{16,64}} */
  static boolean isNonce(String s) {
    return s.length() >= 16 && s.length() <= 64 && all(s, 0, s.length(), NONCE);
  }

  /** {@code [0-9a-f]{64}} */
  static boolean isSha256Hex(String s) {
    return s.length() == 64 && all(s, 0, 64, LOWER_HEX);
  }

  /**
   * {@code [A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=}: exactly 32 bytes in padded standard base64; the
   * last character carries 2 zero bits.
   */
  static boolean isSignature(String s) {
    return s.length() == 44 && all(s, 0, 42, BASE64)
        && LAST_SIGNATURE_CHARS.indexOf(s.charAt(42)) >= 0 && s.charAt(43) == '=';
  }

  /** {@code x-ca-[a-z0-9-]{1,59}} */
  static boolean isSignableName(String s) {
    return s.length() >= 6 && s.length() <= 64 && s.startsWith("x-ca-")
        && all(s, 5, s.length(), NAME);
  }

  private static boolean all(String s, int from, int to, CharClass allowed) {
    for (int i = from; i < to; i++) {
      if (!allowed.has(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** A set of ASCII characters as two 64-bit masks; nothing outside ASCII is in any. */
  private record CharClass(long low, long high) {
    static CharClass of(IntPredicate member) {
      long low = 0;
      long high = 0;
      for (int c = 0; c < 64; c++) {
        low |= member.test(c) ? 1L << c : 0;
        high |= member.test(c + 64) ? 1L << c : 0;
      }
      return new CharClass(low, high);
    }

    boolean has(char c) {
      return c < 64 ? (low >>> c & 1) != 0 : c < 128 && (high >>> (c - 64) & 1) != 0;
    }
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

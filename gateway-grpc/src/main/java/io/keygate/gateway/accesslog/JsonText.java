package io.keygate.gateway.accesslog;

/**
 * Writes a Java string as a JSON string literal (RFC 8259), bounded: quotes, backslashes, every
 * control character (C0, DEL, C1), the line and paragraph separators and any unpaired surrogate
 * are escaped as {@code \\uXXXX} (or their short forms), so a caller-chosen value can neither end
 * the string nor the line, nor produce bytes a UTF-8 encoder would replace. Other non-ASCII
 * characters are written as they are. A value longer than the bound is cut (never inside a
 * surrogate pair) and marked with {@value #CUT}.
 */
final class JsonText {
  static final String CUT = "...";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonText() {}

  /** Appends {@code value} quoted, or {@code null} for null; at most {@code maxChars} of it. */
  static void append(StringBuilder out, String value, int maxChars) {
    if (value == null) {
      out.append("null");
      return;
    }
    int end = Math.min(value.length(), maxChars);
    if (end < value.length() && end > 0 && Character.isHighSurrogate(value.charAt(end - 1))
        && Character.isLowSurrogate(value.charAt(end))) {
      end--; // do not split a pair
    }
    out.append('"');
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
            unicode(out, c);
          } else if (Character.isHighSurrogate(c)) {
            if (i + 1 < end && Character.isLowSurrogate(value.charAt(i + 1))) {
              out.append(c).append(value.charAt(++i));
            } else {
              unicode(out, c);
            }
          } else if (Character.isLowSurrogate(c)) {
            unicode(out, c); // unpaired
          } else {
            out.append(c);
          }
        }
      }
    }
    if (end < value.length()) {
      out.append(CUT);
    }
    out.append('"');
  }

  private static void unicode(StringBuilder out, char c) {
    out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
        .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
  }
}

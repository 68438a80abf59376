package io.keygate.admin.cli;

import java.util.Collection;
import java.util.Map;

/**
 * A minimal JSON writer (RFC 8259) for {@code --output json}: maps (keys in their iteration order),
 * collections, strings, numbers, booleans and null. Anything else is written as its {@code
 * toString()} in a string (Instant, Path, enums), so callers pass values, not secrets.
 */
public final class Json {
  private Json() {}

  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Number n) {
      writeNumber(n, out);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeString(String.valueOf(e.getKey()), out);
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof Collection<?> items) {
      // Collection, not Iterable: a Path is Iterable (over its own names) and must be a string.
      out.append('[');
      boolean first = true;
      for (Object item : items) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(item, out);
      }
      out.append(']');
    } else {
      writeString(value.toString(), out);
    }
  }

  private static void writeNumber(Number n, StringBuilder out) {
    double d = n.doubleValue();
    // JSON has no NaN or Infinity; a string keeps the output parseable.
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      writeString(n.toString(), out);
    } else {
      out.append(n);
    }
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // Control characters must be escaped; U+2028/9 too, so the output is also valid JS.
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}

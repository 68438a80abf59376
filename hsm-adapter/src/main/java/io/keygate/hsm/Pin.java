package io.keygate.hsm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A token PIN as a {@code char[]} that is zeroed on {@link #close()} and never printed. Read it
 * from a file (preferred: the file can be 0600 and the value never becomes a String) or from an
 * environment variable. Never from a command line.
 */
public final class Pin implements AutoCloseable {
  private final char[] chars;
  private volatile boolean destroyed;

  private Pin(char[] chars) {
    if (chars.length == 0) {
      throw new IllegalArgumentException("PIN is empty");
    }
    this.chars = chars;
  }

  /** Takes a copy; the caller should zero its own array. */
  public static Pin of(char[] chars) {
    return new Pin(chars.clone());
  }

  /** Reads the first line of a file (a trailing CR/LF is dropped). */
  public static Pin fromFile(Path file) throws IOException {
    byte[] raw = Files.readAllBytes(file);
    try {
      CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(raw));
      try {
        int end = 0;
        while (end < decoded.limit() && decoded.get(end) != '\n' && decoded.get(end) != '\r') {
          end++;
        }
        char[] out = new char[end];
        decoded.get(out, 0, end);
        return new Pin(out);
      } finally {
        Arrays.fill(decoded.array(), '\0');
      }
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** Reads the PIN from {@code variable} in {@code environment} (pass {@code System.getenv()}). */
  public static Pin fromEnvironment(Map<String, String> environment, String variable) {
    String value = environment.get(variable);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("environment variable " + variable + " is not set");
    }
    return new Pin(value.toCharArray());
  }

  /** The PIN itself, for the one call that logs in. Do not keep the array. */
  public char[] unsafeChars() {
    if (destroyed) {
      throw new IllegalStateException("PIN was destroyed");
    }
    return chars;
  }

  @Override
  public void close() {
    destroyed = true;
    Arrays.fill(chars, '\0');
  }

  @Override
  public String toString() {
    return "Pin[<sensitive>]";
  }
}

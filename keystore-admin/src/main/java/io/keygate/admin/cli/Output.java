package io.keygate.admin.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Where a verb's result goes. A verb hands over its result twice, as a JSON value and as text for a
 * person, and {@code --output} picks one; warnings and errors go to stderr in both modes, so stdout
 * in JSON mode is exactly one JSON document.
 */
public final class Output {
  /** The value of {@code --output}. */
  public enum Format {
    TEXT,
    JSON;

    /** picocli converter: accepts "text" and "json" in any case. */
    public static Format parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("expected text or json, got '" + value + "'");
      }
    }
  }

  private final PrintWriter out;
  private final PrintWriter err;
  private final Format format;

  public Output(PrintWriter out, PrintWriter err, Format format) {
    this.out = out;
    this.err = err;
    this.format = format;
  }

  public boolean isJson() {
    return format == Format.JSON;
  }

  /** Prints the result: {@code json} (a map, list or value) or {@code text}. */
  public void result(Object json, String text) {
    if (isJson()) {
      out.println(Json.write(json));
    } else if (!text.isEmpty()) {
      out.print(text.endsWith("\n") ? text : text + "\n");
    }
    out.flush();
  }

  /** A warning for a person; stderr, so it never corrupts JSON on stdout. */
  public void warn(String message) {
    err.println("keystore-admin: warning: " + message);
    err.flush();
  }

  public PrintWriter err() {
    return err;
  }
}

package io.keygate.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.testing.TokenFactory;
import java.util.Set;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A known secret and the PIN go through every path the adapter has (import, use, failures,
 * listings) with all logging switched on; none of them shows up in any log line, toString or
 * exception text, in any common encoding.
 */
public abstract class SecretsNeverLeakContract {
  private static final byte[] SECRET =
      "KEYGATE-TEST-SECRET-0123456789AB".getBytes(StandardCharsets.US_ASCII);

  protected abstract TokenFactory tokens();

  @Test
  void knownSecretAndPin_neverAppearInLogsToStringsOrExceptions() throws Exception {
    List<String> seen = new ArrayList<>();
    Handler capture = capture(seen);
    Logger root = Logger.getLogger("");
    Level before = root.getLevel();
    root.setLevel(Level.ALL);
    root.addHandler(capture);
    Logger.getLogger("io.keygate").setLevel(Level.ALL);
    try {
      exerciseEveryPath(seen);
    } finally {
      root.removeHandler(capture);
      root.setLevel(before);
    }

    assertThat(String.join("\n", seen))
        .as("the capture works: calls were logged")
        .contains("op=import-hmac")
        .contains("op=mac")
        .contains("KeyAlreadyExistsException");
    String pin = Files.readAllLines(tokens().pinFile()).get(0);
    List<String> forbidden =
        List.of(
            new String(SECRET, StandardCharsets.US_ASCII),
            HexFormat.of().formatHex(SECRET),
            HexFormat.of().withUpperCase().formatHex(SECRET),
            Base64.getEncoder().encodeToString(SECRET),
            Base64.getUrlEncoder().withoutPadding().encodeToString(SECRET),
            pin);
    for (String text : seen) {
      for (String f : forbidden) {
        assertThat(text).doesNotContain(f);
      }
    }
  }

  private void exerciseEveryPath(List<String> seen) throws Exception {
    try (HsmToken token = tokens().open()) {
      KeyLabel label = KeyLabel.of("ak-known");
      SecretBytes secret = SecretBytes.copyOf(SECRET);
      seen.add(secret.toString());
      seen.add(token.importHmacSecret(label, secret).toString());
      byte[] mac = token.mac(label, "data".getBytes(StandardCharsets.UTF_8));
      token.verifyMac(label, "data".getBytes(StandardCharsets.UTF_8), mac);
      try {
        token.verifyMac(label, new byte[3], mac);
        seen.add("no failure: verifyMac of other data");
      } catch (InvalidMacException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        seen.add(trace.toString());
      }
      seen.add(token.listKeys().toString());
      seen.add(token.describeKey(label).toString());
      seen.add(token.toString());
      seen.add(token.health().toString());
      recordFailure(seen, () -> token.importHmacSecret(label, SecretBytes.copyOf(SECRET)));
      recordFailure(seen, () -> token.importHmacSecret(KeyLabel.of("short"), SecretBytes.copyOf(new byte[8])));
      recordFailure(seen, () -> token.encrypt(label, SECRET, null));
      recordFailure(seen, () -> token.mac(KeyLabel.of("missing"), SECRET));
      recordFailure(seen, () -> token.decrypt(SECRET, null, Set.of(label)));
      recordFailure(seen, () -> token.sign(label, SECRET));
      secret.destroy();
    }
  }

  @FunctionalInterface
  private interface Failing {
    Object run() throws HsmException;
  }

  private static void recordFailure(List<String> seen, Failing call) {
    try {
      seen.add("no failure: " + call.run());
    } catch (HsmException | RuntimeException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      seen.add(trace.toString());
    }
  }

  private static Handler capture(List<String> into) {
    return new Handler() {
      @Override
      public void publish(LogRecord r) {
        String message = r.getMessage();
        if (r.getParameters() != null) {
          message = java.text.MessageFormat.format(message, r.getParameters());
        }
        synchronized (into) {
          into.add(r.getLoggerName() + " " + message);
          if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            into.add(trace.toString());
          }
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }
}

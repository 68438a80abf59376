package io.keygate.admin.command;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.OutputFiles;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "backend-hmac-key",
    description = {
      "Puts an HMAC-SHA256 key for one backend's attestation into the token (sensitive, never"
          + " extractable), and gives the backend's operator the other copy:"
          + " --secret-out makes 32 random bytes and writes them once to a new file (mode 0600,"
          + " one line of base64); --secret-in imports the 32 bytes the backend's operator made"
          + " (the same form).",
      "Then name it on every node: KEYGATE_BACKEND_ATTESTATION_HMAC='backend:port=LABEL'"
          + " (docs/backend-attestation.md)."
    })
public final class BootstrapBackendHmacKeyCommand extends Verb {
  /** 256 bits: SHA-256's output length, RFC 2104's recommended key length for HMAC-SHA256. */
  static final int KEY_BYTES = 32;
  /** The spec's key-id input (docs/backend-attestation.md): one line, never a signed text. */
  private static final byte[] KEY_ID_INPUT =
      "keygate-backend-attestation-v1 key id".getBytes(StandardCharsets.US_ASCII);

  @Mixin TokenOptions token;

  @Option(
      names = "--label",
      required = true,
      converter = KeyLabelConverter.class,
      description = "key label, one per backend (e.g. backend-orders-hmac)")
  KeyLabel label;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--secret-out", paramLabel = "FILE",
        description = "generate the key and write the backend's copy to FILE (new, mode 0600)")
    Path secretOut;

    @Option(names = "--secret-in", paramLabel = "FILE",
        description = "import the key the backend's operator generated, from FILE")
    Path secretIn;
  }

  @Override
  protected void execute(CliEnvironment env, Output out) throws Exception {
    OutputFiles.requireAbsent(source.secretOut);
    try (SecretBytes secret = source.secretIn != null ? read(source.secretIn)
            : SecretBytes.random(KEY_BYTES, env.random());
        HsmToken hsm = token.open(env, out)) {
      if (hsm.describeKey(label).isPresent()) {
        throw new AdminException(ExitCode.NOT_FOUND_OR_CONFLICT,
            "the token already holds a key labelled " + label);
      }
      if (source.secretOut != null) {
        writeOnce(source.secretOut, secret);
      }
      KeyInfo info;
      try {
        info = hsm.importHmacSecret(label, secret);
      } catch (Exception e) {
        if (source.secretOut != null) {
          Files.deleteIfExists(source.secretOut); // no copy of a key the token does not hold
        }
        throw e;
      }
      String keyId = "hmac-" + HexFormat.of().formatHex(hsm.mac(label, KEY_ID_INPUT), 0, 8);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("key", Views.key(info));
      json.put("key_id", keyId);
      json.put("file", (source.secretOut != null ? source.secretOut : source.secretIn).toString());
      out.result(json, "Imported HMAC-SHA256 key '" + label + "' into the token: "
          + Views.protection(info) + "\nAttestation key id " + keyId
          + (source.secretOut != null
              ? "\nThe backend's copy is in " + source.secretOut
                  + " (mode 0600): hand it over, then delete it here.\n"
              : "\n"));
    }
  }

  private static SecretBytes read(Path file) throws IOException, AdminException {
    byte[] text = Files.readAllBytes(file);
    byte[] key = null;
    try {
      key = Base64.getMimeDecoder().decode(text);
      if (key.length != KEY_BYTES) {
        throw new AdminException(ExitCode.USAGE,
            "--secret-in: the file must hold one line of base64 of exactly 32 bytes");
      }
      return SecretBytes.copyOf(key);
    } catch (IllegalArgumentException e) {
      throw new AdminException(ExitCode.USAGE,
          "--secret-in: the file must hold one line of base64 of exactly 32 bytes");
    } finally {
      Arrays.fill(text, (byte) 0);
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
    }
  }

  private static void writeOnce(Path file, SecretBytes secret) throws IOException {
    byte[] key = secret.unsafeCopy();
    byte[] encoded = Base64.getEncoder().encode(key); // bytes, not a String: it can be wiped
    byte[] line = Arrays.copyOf(encoded, encoded.length + 1);
    line[encoded.length] = '\n';
    Arrays.fill(encoded, (byte) 0);
    try {
      OutputFiles.createPrivate(file, line);
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(line, (byte) 0);
    }
  }
}

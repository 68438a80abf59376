package io.keygate.admin.online;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.cli.Output;
import io.keygate.admin.cli.OutputFiles;
import io.keygate.proto.admin.v1.Credential;
import io.keygate.proto.admin.v1.IssuedCredential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * Hands a new AccessSecret to the officer exactly once: on stdout, or in a new 0600 file. The
 * server keeps no readable copy (the secret lives in the HSM, non-extractable), so a secret that is
 * not delivered is lost: everything that could stop delivery is checked before the call. Base64, as
 * the client SDK's {@code AccessSecret.fromBase64} reads it.
 */
final class SecretDelivery {
  private final Path secretOut;

  SecretDelivery(Path secretOut) {
    this.secretOut = secretOut;
  }

  void checkBeforeCall() throws IOException, AdminException {
    if (secretOut == null) {
      return;
    }
    OutputFiles.requireAbsent(secretOut);
    Path dir = secretOut.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
      throw new AdminException(
          ExitCode.USAGE, "cannot create " + secretOut + ": its directory is not writable");
    }
  }

  void deliver(IssuedCredential issued, OneTimeRecipient recipient, Output out)
      throws AdminException {
    Credential c = issued.getCredential();
    Map<String, Object> json = ProtoViews.credential(c);
    // A gateway before admin API 1.3 ignores the key and sends the secret in the clear.
    byte[] raw = issued.getSecretForRecipient().isEmpty()
        ? issued.getSecret().toByteArray()
        : recipient.decrypt(issued.getSecretForRecipient().toByteArray());
    if (c.getKekId().isEmpty()) {
      out.warn("the gateway has no key-encryption key (KEYGATE_KEK): it drew this secret itself"
          + " and held it in its memory while issuing");
    }
    byte[] encoded = Base64.getEncoder().encode(raw);
    try {
      if (secretOut != null) {
        writeFile(c, encoded);
        json.put("secretFile", secretOut.toString());
        out.result(
            json,
            "Issued credential "
                + c.getAccessKey()
                + " for app "
                + c.getAppId()
                + " of tenant "
                + c.getTenantId()
                + ".\n"
                + "Its AccessSecret is in "
                + secretOut
                + " (mode 0600); it cannot be shown again.");
      } else {
        // A String cannot be zeroed; it lives only until this short-lived process exits.
        String secret = new String(encoded, java.nio.charset.StandardCharsets.US_ASCII);
        json.put("secret", secret);
        out.result(
            json,
            "Issued credential for app "
                + c.getAppId()
                + " of tenant "
                + c.getTenantId()
                + ":\n"
                + "  AccessKey     "
                + c.getAccessKey()
                + "\n"
                + "  AccessSecret  "
                + secret
                + "\n"
                + "This is the only time the secret is shown: store it now. It cannot be read"
                + " back\nfrom the HSM; if it is lost, revoke the credential and issue another.");
      }
    } finally {
      Arrays.fill(raw, (byte) 0);
      Arrays.fill(encoded, (byte) 0);
    }
  }

  private void writeFile(Credential c, byte[] encoded) throws AdminException {
    byte[] line = Arrays.copyOf(encoded, encoded.length + 1);
    line[encoded.length] = '\n';
    try {
      OutputFiles.createPrivate(secretOut, line);
    } catch (IOException e) {
      throw new AdminException(
          ExitCode.FAILED,
          "credential "
              + c.getAccessKey()
              + " was issued but its secret could not be written to "
              + secretOut
              + " ("
              + e.getClass().getSimpleName()
              + "); the secret is lost: revoke"
              + " it with 'credential revoke --tenant "
              + c.getTenantId()
              + " --access-key "
              + c.getAccessKey()
              + "' and issue another",
          e);
    } finally {
      Arrays.fill(line, (byte) 0);
    }
  }
}

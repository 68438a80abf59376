package io.keygate.admin.online;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.ExitCode;
import io.keygate.proto.admin.v1.BulkIssuedCredential;
import io.keygate.proto.admin.v1.CreateCredentialsResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

/**
 * The file a bulk issuance writes: one {@code AccessKey,secret} line per credential (the secret in
 * base64, as the client SDK's {@code AccessSecret.fromBase64} reads it), created 0600 before the
 * first call and never overwritten. Each reply's secrets are opened here: the transport key with
 * this run's RSA key, each secret with AES key wrap with padding (RFC 5649, SunJCE's {@code
 * AES/KWP/NoPadding}). The plaintext exists only in this process and in the file.
 */
final class BulkSecrets implements AutoCloseable {
  private static final String SECRET_CIPHER = "AES/KWP/NoPadding";

  private final Path file;
  private final OutputStream out;
  private int written;

  private BulkSecrets(Path file, OutputStream out) {
    this.file = file;
    this.out = out;
  }

  /** Creates {@code file} with mode 0600; refuses one that exists. */
  static BulkSecrets create(Path file) throws IOException {
    Files.createFile(file,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return new BulkSecrets(file,
        Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
  }

  /** Opens every secret of one reply and appends its lines. */
  void append(CreateCredentialsResponse reply, OneTimeRecipient recipient)
      throws AdminException, IOException {
    SecretKey transport = recipient.transportKey(reply.getTransportKeyForRecipient().toByteArray());
    Cipher kwp;
    try {
      kwp = Cipher.getInstance(SECRET_CIPHER, "SunJCE");
    } catch (GeneralSecurityException e) {
      throw new AdminException(ExitCode.FAILED, "this JDK has no " + SECRET_CIPHER, e);
    }
    byte[] lines = new byte[reply.getCredentialsCount() * 80];
    int at = 0;
    try {
      for (BulkIssuedCredential c : reply.getCredentialsList()) {
        byte[] secret = open(kwp, transport, c);
        byte[] encoded = Base64.getEncoder().encode(secret);
        byte[] key = c.getAccessKey().getBytes(StandardCharsets.US_ASCII);
        if (at + key.length + encoded.length + 2 > lines.length) {
          lines = Arrays.copyOf(lines, lines.length * 2);
        }
        System.arraycopy(key, 0, lines, at, key.length);
        at += key.length;
        lines[at++] = ',';
        System.arraycopy(encoded, 0, lines, at, encoded.length);
        at += encoded.length;
        lines[at++] = '\n';
        Arrays.fill(secret, (byte) 0);
        Arrays.fill(encoded, (byte) 0);
      }
      out.write(lines, 0, at);
      out.flush();
      written += reply.getCredentialsCount();
    } finally {
      Arrays.fill(lines, (byte) 0);
    }
  }

  private static byte[] open(Cipher kwp, SecretKey transport, BulkIssuedCredential c)
      throws AdminException {
    try {
      kwp.init(Cipher.DECRYPT_MODE, transport);
      return kwp.doFinal(c.getSecretWrapped().toByteArray());
    } catch (GeneralSecurityException e) {
      throw new AdminException(ExitCode.FAILED, "the secret of " + c.getAccessKey()
          + " does not open with this call's transport key; revoke it", e);
    }
  }

  /** Credentials whose lines are in the file. */
  int written() {
    return written;
  }

  Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}

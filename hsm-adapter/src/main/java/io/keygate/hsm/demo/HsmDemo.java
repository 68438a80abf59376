package io.keygate.hsm.demo;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The foundation demo (run by bin/demo): an AccessSecret goes into the token once, is handed to
 * the app developer once, and from then on only the HSM can verify what it signs. The gateway demo
 * replaces this once the data plane exists.
 *
 * <p>Arguments: SunPKCS11 config, PIN file, key label.
 */
public final class HsmDemo {
  private final PrintStream out;

  HsmDemo(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: HsmDemo <sunpkcs11.cfg> <pin-file> <key-label>");
      System.exit(2);
    }
    try {
      new HsmDemo(System.out).run(Path.of(args[0]), Path.of(args[1]), KeyLabel.of(args[2]));
    } catch (HsmException | IOException | GeneralSecurityException | RuntimeException e) {
      System.err.println("demo failed: " + e.getMessage());
      System.exit(1);
    }
  }

  void run(Path config, Path pinFile, KeyLabel label)
      throws HsmException, IOException, GeneralSecurityException {
    Pkcs11TokenOptions options = Pkcs11TokenOptions.defaults();
    try (SunPkcs11Token token = SunPkcs11Token.open(config, Pin.fromFile(pinFile), options)) {
      out.println("== Opened " + token + " (PIN read from " + pinFile + ")");

      SecretBytes secret = SecretBytes.random(32, options.random());
      KeyInfo info = token.importHmacSecret(label, secret);
      out.println("== Imported a 32-byte AccessSecret as " + info.label());
      out.println("   token object=" + info.tokenObject() + ", sensitive=" + info.sensitive()
          + ", extractable=" + info.extractable());
      byte[] raw = secret.unsafeCopy();
      out.println("   The app developer receives it exactly once: "
          + Base64.getEncoder().encodeToString(raw));
      out.println("   (the gateway keeps no copy; this process zeroes its copies now)");

      // What an app's client SDK does with its copy: sign a request in software.
      byte[] request = ("POST\n/keygate.demo.v1.EchoService/Echo\nx-ca-key:" + label
          + "\nx-ca-timestamp:1764151200000").getBytes(StandardCharsets.UTF_8);
      byte[] signature = softwareHmac(raw, request);
      java.util.Arrays.fill(raw, (byte) 0);
      secret.destroy();

      out.println("== Gateway side: verifying the request's HMAC inside the HSM");
      out.println("   genuine request    -> " + verdict(token.verifyMac(label, request, signature)));
      byte[] tampered = request.clone();
      tampered[tampered.length - 1] ^= 1;
      out.println("   tampered request   -> " + verdict(token.verifyMac(label, tampered, signature)));
      out.println("   MAC computed in the HSM equals the client's: "
          + java.security.MessageDigest.isEqual(token.mac(label, request), signature));
      out.println("== Trying to read the AccessSecret back out of the token (Key.getEncoded)");
      out.println("   value readable: " + token.valueReadable(label)
          + "  (the token refuses: CKA_SENSITIVE=true, CKA_EXTRACTABLE=false;"
          + " 'bash bin/test' also proves it with OpenSC's pkcs11-tool: read and wrap both fail)");
      out.println("   health: " + token.health().status());
    }
  }

  private static String verdict(boolean ok) {
    return ok ? "ACCEPTED" : "REJECTED";
  }

  private static byte[] softwareHmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}

package io.keygate.hsm.testing;

import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Plays "another process" (as keystore-admin will be) for cross-process tests:
 * {@code import CONFIG PIN_FILE LABEL SECRET_HEX_FILE} or {@code destroy CONFIG PIN_FILE LABEL}.
 */
public final class KeyImporterMain {
  private KeyImporterMain() {}

  public static void main(String[] args) throws Exception {
    Path config = Path.of(args[1]);
    try (SunPkcs11Token token =
        SunPkcs11Token.open(config, Pin.fromFile(Path.of(args[2])), Pkcs11TokenOptions.defaults())) {
      KeyLabel label = KeyLabel.of(args[3]);
      if (args[0].equals("import")) {
        byte[] secret = HexFormat.of().parseHex(Files.readString(Path.of(args[4])).trim());
        try (SecretBytes s = SecretBytes.copyOf(secret)) {
          token.importHmacSecret(label, s);
        }
      } else {
        token.destroyKey(label);
      }
    }
    System.out.println("done");
  }
}

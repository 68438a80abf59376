package io.keygate.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.KeyAlreadyExistsException;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.KeyType;
import io.keygate.hsm.SecretBytes;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** HMAC keys and key administration, against RFC 4231 and SunJCE as the software ruler. */
public abstract class HmacContract extends TokenContract {
  private static final HexFormat HEX = HexFormat.of();
  private final SecureRandom random = new SecureRandom();

  @Test
  void mac_matchesRfc4231Vectors_andRefusesShortKeys() throws Exception {
    JsonObject file;
    try (var in = HmacContract.class.getResourceAsStream("/vectors/rfc4231-hmac-sha256.json")) {
      file = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
    }
    List<String> failures = new ArrayList<>();
    int n = 0;
    for (var element : file.getAsJsonArray("cases")) {
      JsonObject c = element.getAsJsonObject();
      String id = c.get("id").getAsString();
      byte[] key = HEX.parseHex(c.get("key_hex").getAsString());
      byte[] data = HEX.parseHex(c.get("data_hex").getAsString());
      String expectedMac = c.get("mac_hex").getAsString();
      if (!HEX.formatHex(softwareHmac(key, data)).equals(expectedMac)) {
        failures.add(id + ": software ruler disagrees with the vector file");
      }
      KeyLabel label = KeyLabel.of("vector-" + (n++));
      String expected = c.get("expected").getAsString();
      try {
        token.importHmacSecret(label, SecretBytes.copyOf(key));
        if (!expected.equals("valid")) {
          failures.add(id + ": short key was imported");
          continue;
        }
        String viaHsm = HEX.formatHex(token.mac(label, data));
        if (!viaHsm.equals(expectedMac)) {
          failures.add(id + ": HSM mac " + viaHsm + " != " + expectedMac);
        }
        try {
          token.verifyMac(label, data, HEX.parseHex(expectedMac));
        } catch (InvalidMacException e) {
          failures.add(id + ": verifyMac refused the right MAC");
        }
      } catch (HsmOperationException e) {
        if (!expected.equals("rejected_short_key")) {
          failures.add(id + ": " + e.getMessage());
        }
      }
    }
    assertThat(n).isEqualTo(6);
    assertThat(failures).isEmpty();
  }

  @Test
  void mac_equalsSoftwareHmacOfTheSameSecret() throws Exception {
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    KeyLabel label = KeyLabel.of("ak-software-compare");
    KeyInfo info = token.importHmacSecret(label, SecretBytes.copyOf(raw));
    assertThat(info.type()).isEqualTo(KeyType.HMAC_SECRET);
    assertThat(info.isProtected()).isTrue();
    for (int size : new int[] {0, 1, 63, 64, 65, 1000, 70_000}) {
      byte[] data = new byte[size];
      random.nextBytes(data);
      assertThat(token.mac(label, data)).as("size %d", size).isEqualTo(softwareHmac(raw, data));
    }
  }

  @Test
  void verifyMac_returnsForTheExactMac_andThrowsForAnyOther() throws Exception {
    KeyLabel label = KeyLabel.of("ak-verify");
    token.importHmacSecret(label, SecretBytes.random(32, random));
    byte[] data = "GET\n/pkg.Svc/Method".getBytes(StandardCharsets.UTF_8);
    byte[] good = token.mac(label, data);
    token.verifyMac(label, data, good);
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x01;
      assertThatThrownBy(() -> token.verifyMac(label, data, bad))
          .as("bit flipped in byte %d", i)
          .isInstanceOf(InvalidMacException.class)
          .hasMessageContaining("ak-verify");
    }
    assertThatThrownBy(() -> token.verifyMac(label, data, new byte[0]))
        .isInstanceOf(InvalidMacException.class);
    assertThatThrownBy(() -> token.verifyMac(label, data, null))
        .isInstanceOf(InvalidMacException.class);
    assertThatThrownBy(() -> token.verifyMac(label, data, Arrays.copyOf(good, 16)))
        .isInstanceOf(InvalidMacException.class);
    byte[] otherData = "GET\n/pkg.Svc/Other".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> token.verifyMac(label, otherData, good))
        .isInstanceOf(InvalidMacException.class);
  }

  @Test
  void verifyMac_withAMissingKey_isATokenAnswerNotAVerdict() {
    assertThatThrownBy(() -> token.verifyMac(KeyLabel.of("ak-none"), new byte[1], new byte[32]))
        .isInstanceOf(KeyNotFoundException.class);
  }

  @Test
  void importHmacSecret_refusesToOverwriteAnExistingLabel() throws Exception {
    KeyLabel label = KeyLabel.of("ak-once");
    byte[] first = new byte[32];
    random.nextBytes(first);
    token.importHmacSecret(label, SecretBytes.copyOf(first));
    assertThatThrownBy(() -> token.importHmacSecret(label, SecretBytes.random(32, random)))
        .isInstanceOf(KeyAlreadyExistsException.class);
    byte[] data = {1, 2, 3};
    assertThat(token.mac(label, data)).isEqualTo(softwareHmac(first, data));
  }

  @Test
  void importHmacSecret_refusesSecretsShorterThan32Bytes() {
    assertThatThrownBy(
            () -> token.importHmacSecret(KeyLabel.of("ak-short"), SecretBytes.random(31, random)))
        .isInstanceOf(HsmOperationException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void mac_withUnknownOrWrongTypeKey_isKeyNotFound() throws Exception {
    assertThatThrownBy(() -> token.mac(KeyLabel.of("no-such-key"), new byte[1]))
        .isInstanceOf(KeyNotFoundException.class);
    KeyLabel aes = KeyLabel.of("aes-not-for-mac");
    token.generateAesKey(aes);
    assertThatThrownBy(() -> token.mac(aes, new byte[1]))
        .isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("not of type");
  }

  @Test
  void destroyKey_removesTheKey() throws Exception {
    KeyLabel label = KeyLabel.of("ak-destroy");
    token.importHmacSecret(label, SecretBytes.random(32, random));
    token.destroyKey(label);
    assertThat(token.describeKey(label)).isEmpty();
    assertThatThrownBy(() -> token.mac(label, new byte[1])).isInstanceOf(KeyNotFoundException.class);
    assertThatThrownBy(() -> token.destroyKey(label)).isInstanceOf(KeyNotFoundException.class);
  }

  @Test
  void listKeys_showsTypesAndProtectionOfEveryKey_andMarksTheCanary() throws Exception {
    token.importHmacSecret(KeyLabel.of("list-hmac"), SecretBytes.random(32, random));
    token.generateAesKey(KeyLabel.of("list-aes"));
    token.generateEcKey(KeyLabel.of("list-ec"), CertificateProfile.localhost("list", Duration.ofDays(1)));
    List<KeyInfo> keys = token.listKeys();
    assertThat(keys).extracting(k -> k.label().value()).contains("list-hmac", "list-aes", "list-ec");
    assertThat(keys).allSatisfy(k -> assertThat(k.isProtected()).as(k.toString()).isTrue());
    KeyInfo ec = keys.stream().filter(k -> k.label().value().equals("list-ec")).findFirst().orElseThrow();
    assertThat(ec.type()).isEqualTo(KeyType.EC_P256);
    assertThat(ec.createdAt()).isPresent();
    assertThat(keys.stream().filter(k -> token.isHealthCanary(k.label()))).hasSize(1);
    assertThat(token.isHealthCanary(KeyLabel.of("list-hmac"))).isFalse();
  }

  public static byte[] softwareHmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256", "SunJCE");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}

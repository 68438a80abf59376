package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.CiphertextRejectedException;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyType;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AesGcmContractTest {
  @RegisterExtension static SoftHsmTokens hsm = new SoftHsmTokens("aes");
  private static SunPkcs11Token token;
  private static final KeyLabel KEY = KeyLabel.of("payload-key-1");
  private static final KeyLabel OTHER_KEY = KeyLabel.of("payload-key-2");
  private final SecureRandom random = new SecureRandom();

  @BeforeAll
  static void open() throws Exception {
    token = hsm.open("aes");
    KeyInfo info = token.generateAesKey(KEY);
    assertThat(info.type()).isEqualTo(KeyType.AES_256);
    assertThat(info.isProtected()).isTrue();
    token.generateAesKey(OTHER_KEY);
  }

  @AfterAll
  static void close() {
    token.close();
  }

  private byte[] iv() {
    byte[] iv = new byte[12];
    random.nextBytes(iv);
    return iv;
  }

  @Test
  void encryptThenDecrypt_returnsThePlaintext() throws Exception {
    byte[] aad = "tenant=t1;api=/pkg.Svc/M;key=payload-key-1".getBytes(StandardCharsets.UTF_8);
    for (int size : new int[] {0, 1, 15, 16, 1024, 100_000}) {
      byte[] plaintext = new byte[size];
      random.nextBytes(plaintext);
      byte[] iv = iv();
      byte[] ciphertext = token.encrypt(KEY, iv, aad, plaintext);
      assertThat(ciphertext).as("ciphertext carries a 16-byte tag").hasSize(size + 16);
      assertThat(token.decrypt(KEY, iv, aad, ciphertext)).isEqualTo(plaintext);
    }
  }

  @Test
  void decrypt_rejectsWrongAad() throws Exception {
    byte[] iv = iv();
    byte[] ct = token.encrypt(KEY, iv, "aad-1".getBytes(StandardCharsets.UTF_8), new byte[64]);
    assertThatThrownBy(() -> token.decrypt(KEY, iv, "aad-2".getBytes(StandardCharsets.UTF_8), ct))
        .isInstanceOf(CiphertextRejectedException.class);
    assertThatThrownBy(() -> token.decrypt(KEY, iv, new byte[0], ct))
        .isInstanceOf(CiphertextRejectedException.class);
  }

  @Test
  void decrypt_rejectsEveryTamperedByte() throws Exception {
    byte[] iv = iv();
    byte[] aad = {7};
    byte[] ct = token.encrypt(KEY, iv, aad, "attack at dawn".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < ct.length; i++) {
      byte[] tampered = ct.clone();
      tampered[i] ^= (byte) 0x80;
      int index = i;
      assertThatThrownBy(() -> token.decrypt(KEY, iv, aad, tampered))
          .as("byte %d flipped", index)
          .isInstanceOf(CiphertextRejectedException.class);
    }
    byte[] truncated = java.util.Arrays.copyOf(ct, ct.length - 1);
    assertThatThrownBy(() -> token.decrypt(KEY, iv, aad, truncated))
        .isInstanceOf(CiphertextRejectedException.class);
  }

  @Test
  void decrypt_rejectsWrongIvOrKey() throws Exception {
    byte[] iv = iv();
    byte[] ct = token.encrypt(KEY, iv, null, new byte[32]);
    assertThatThrownBy(() -> token.decrypt(KEY, iv(), null, ct))
        .isInstanceOf(CiphertextRejectedException.class);
    assertThatThrownBy(() -> token.decrypt(OTHER_KEY, iv, null, ct))
        .isInstanceOf(CiphertextRejectedException.class);
  }

  @Test
  void encrypt_requiresA12ByteIv() {
    assertThatThrownBy(() -> token.encrypt(KEY, new byte[16], null, new byte[1]))
        .isInstanceOf(HsmOperationException.class)
        .hasMessageContaining("12-byte IV");
    assertThatThrownBy(() -> token.decrypt(KEY, null, null, new byte[17]))
        .isInstanceOf(HsmOperationException.class);
  }

  @Test
  void token_keepsServingAfterRejectedCiphertexts() throws Exception {
    byte[] iv = iv();
    byte[] ct = token.encrypt(KEY, iv, null, new byte[8]);
    ct[0] ^= 1;
    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(() -> token.decrypt(KEY, iv, null, ct))
          .isInstanceOf(CiphertextRejectedException.class);
    }
    assertThat(token.health().isUp()).isTrue();
    byte[] iv2 = iv();
    assertThat(token.decrypt(KEY, iv2, null, token.encrypt(KEY, iv2, null, new byte[8])))
        .isEqualTo(new byte[8]);
  }
}

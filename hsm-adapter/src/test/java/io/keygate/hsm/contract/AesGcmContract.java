package io.keygate.hsm.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.AeadEnvelope;
import io.keygate.hsm.CiphertextRejectedException;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyType;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** AES-256-GCM: the token picks the IV, the envelope names the key, rotation keeps data readable. */
public abstract class AesGcmContract extends TokenContract {
  private static final KeyLabel KEY = KeyLabel.of("payload-key-1");
  private static final KeyLabel NEXT_KEY = KeyLabel.of("payload-key-2");
  private static final KeyLabel FOREIGN_KEY = KeyLabel.of("payload-key-x");
  private static final Set<KeyLabel> ACCEPTED = Set.of(KEY, NEXT_KEY);
  private final SecureRandom random = new SecureRandom();
  private final RecordingRandom tokenRandom = new RecordingRandom();

  /** The token's random source, recording its last 12-byte draw: an IV. */
  private static final class RecordingRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private volatile byte[] lastIv;

    @Override
    public synchronized void nextBytes(byte[] bytes) {
      super.nextBytes(bytes);
      if (bytes.length == AeadEnvelope.IV_BYTES) {
        lastIv = bytes.clone();
      }
    }
  }

  @Override
  protected Pkcs11TokenOptions options() {
    return Pkcs11TokenOptions.defaults().withRandom(tokenRandom);
  }

  @Override
  protected void prepare() throws Exception {
    KeyInfo info = token.generateAesKey(KEY);
    assertThat(info.type()).isEqualTo(KeyType.AES_256);
    assertThat(info.isProtected()).isTrue();
    token.generateAesKey(NEXT_KEY);
    token.generateAesKey(FOREIGN_KEY);
  }

  @Test
  void encryptThenDecrypt_returnsThePlaintext_inADocumentedEnvelope() throws Exception {
    byte[] aad = "tenant=t1;api=/pkg.Svc/M".getBytes(StandardCharsets.UTF_8);
    byte[] prefix = AeadEnvelope.prefix(KEY);
    for (int size : new int[] {0, 1, 15, 16, 1024, 100_000}) {
      byte[] plaintext = new byte[size];
      random.nextBytes(plaintext);
      byte[] envelope = token.encrypt(KEY, plaintext, aad);
      assertThat(envelope).as("version, key id, IV, ciphertext, tag")
          .hasSize(2 + KEY.value().length() + 12 + size + 16);
      assertThat(Arrays.copyOf(envelope, prefix.length)).isEqualTo(prefix);
      assertThat(envelope[0]).isEqualTo((byte) 1);
      assertThat(envelope[1]).isEqualTo((byte) KEY.value().length());
      assertThat(AeadEnvelope.parse(envelope).key()).isEqualTo(KEY);
      assertThat(token.decrypt(envelope, aad, ACCEPTED)).isEqualTo(plaintext);
    }
  }

  @Test
  void encrypt_takesItsIvFromTheInjectedRandom_andNeverRepeatsOne() throws Exception {
    byte[] plaintext = "same message".getBytes(StandardCharsets.UTF_8);
    Set<String> ivs = new HashSet<>();
    Set<String> ciphertexts = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      byte[] envelope;
      byte[] drawn;
      synchronized (tokenRandom) {
        envelope = token.encrypt(KEY, plaintext, null);
        drawn = tokenRandom.lastIv;
      }
      byte[] iv = AeadEnvelope.parse(envelope).iv();
      assertThat(iv).as("the IV is the token random's draw").isEqualTo(drawn);
      ivs.add(HexFormat.of().formatHex(iv));
      ciphertexts.add(HexFormat.of().formatHex(envelope));
    }
    assertThat(ivs).hasSize(200);
    assertThat(ciphertexts).hasSize(200);
  }

  @Test
  void rotation_dataSealedUnderTheOldKeyStillOpens_andEachEnvelopeNamesItsKey() throws Exception {
    byte[] before = token.encrypt(KEY, "sealed before the rotation".getBytes(StandardCharsets.UTF_8), null);
    byte[] after = token.encrypt(NEXT_KEY, "sealed after".getBytes(StandardCharsets.UTF_8), null);
    assertThat(AeadEnvelope.parse(before).key()).isEqualTo(KEY);
    assertThat(AeadEnvelope.parse(after).key()).isEqualTo(NEXT_KEY);
    assertThat(new String(token.decrypt(before, null, ACCEPTED), StandardCharsets.UTF_8))
        .isEqualTo("sealed before the rotation");
    assertThat(new String(token.decrypt(after, null, ACCEPTED), StandardCharsets.UTF_8))
        .isEqualTo("sealed after");
    // Once the old key is retired from the accepted set, its data is refused, not guessed at.
    assertThatThrownBy(() -> token.decrypt(before, null, Set.of(NEXT_KEY)))
        .isInstanceOf(CiphertextRejectedException.class)
        .hasMessageContaining("does not accept");
  }

  @Test
  void decrypt_refusesAnEnvelopeFromAKeyTheCallerDoesNotAccept() throws Exception {
    byte[] foreign = token.encrypt(FOREIGN_KEY, new byte[8], null);
    assertThatThrownBy(() -> token.decrypt(foreign, null, ACCEPTED))
        .isInstanceOf(CiphertextRejectedException.class)
        .hasMessageContaining(FOREIGN_KEY.value());
  }

  @Test
  void decrypt_refusesAnEnvelopeRelabelledToAnotherKey() throws Exception {
    byte[] envelope = token.encrypt(KEY, new byte[32], null);
    byte[] relabelled = envelope.clone();
    byte[] otherPrefix = AeadEnvelope.prefix(NEXT_KEY);
    System.arraycopy(otherPrefix, 0, relabelled, 0, otherPrefix.length);
    assertThatThrownBy(() -> token.decrypt(relabelled, null, ACCEPTED))
        .isInstanceOf(CiphertextRejectedException.class);
  }

  @Test
  void decrypt_rejectsWrongAad() throws Exception {
    byte[] ct = token.encrypt(KEY, new byte[64], "aad-1".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> token.decrypt(ct, "aad-2".getBytes(StandardCharsets.UTF_8), ACCEPTED))
        .isInstanceOf(CiphertextRejectedException.class);
    assertThatThrownBy(() -> token.decrypt(ct, new byte[0], ACCEPTED))
        .isInstanceOf(CiphertextRejectedException.class);
  }

  @Test
  void decrypt_rejectsEveryTamperedByte_andTruncationsAndGarbage() throws Exception {
    byte[] aad = {7};
    byte[] ct = token.encrypt(KEY, "attack at dawn".getBytes(StandardCharsets.UTF_8), aad);
    for (int i = 0; i < ct.length; i++) {
      byte[] tampered = ct.clone();
      tampered[i] ^= (byte) 0x80;
      int index = i;
      assertThatThrownBy(() -> token.decrypt(tampered, aad, ACCEPTED))
          .as("byte %d flipped", index)
          .isInstanceOf(CiphertextRejectedException.class);
    }
    for (int length : new int[] {0, 1, 2, 10, ct.length - 1}) {
      byte[] truncated = Arrays.copyOf(ct, length);
      assertThatThrownBy(() -> token.decrypt(truncated, aad, ACCEPTED))
          .as("truncated to %d bytes", length)
          .isInstanceOf(CiphertextRejectedException.class);
    }
    assertThatThrownBy(() -> token.decrypt(null, aad, ACCEPTED))
        .isInstanceOf(CiphertextRejectedException.class);
  }

  @Test
  void token_keepsServingAfterRejectedCiphertexts() throws Exception {
    byte[] ct = token.encrypt(KEY, new byte[8], null);
    ct[ct.length - 1] ^= 1;
    for (int i = 0; i < 50; i++) {
      assertThatThrownBy(() -> token.decrypt(ct, null, ACCEPTED))
          .isInstanceOf(CiphertextRejectedException.class);
    }
    assertThat(token.health().isUp()).isTrue();
    assertThat(token.decrypt(token.encrypt(KEY, new byte[8], null), null, ACCEPTED))
        .isEqualTo(new byte[8]);
  }
}

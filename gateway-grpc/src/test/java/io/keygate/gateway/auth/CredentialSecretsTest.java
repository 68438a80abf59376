package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.gateway.model.Credential;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.InvalidMacException;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.MacKeys;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.WrappedSecret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each form of a credential's secret is checked where it lives: software stand-ins for the token
 * (one secret per form), so a MAC made with one form's secret passes only for that form.
 */
class CredentialSecretsTest {
  private static final KeyLabel LABEL = KeyLabel.of("ak-1");
  private static final byte[] TOKEN_SECRET = "token-secret-token-secret-token!!".getBytes(StandardCharsets.UTF_8);
  private static final byte[] WRAPPED_SECRET = "wrapped-secret-wrapped-secret-ok!".getBytes(StandardCharsets.UTF_8);
  private static final byte[] DATA = "string to sign".getBytes(StandardCharsets.UTF_8);
  private static final Credential TOKEN_KEY =
      new Credential("AK1", "app", "tenant", LABEL, null, false, null);
  private static final Credential WRAPPED = new Credential("AK2", "app", "tenant", LABEL, null,
      false, null, new WrappedSecret(KekId.of("k1"), new byte[40]));

  private final MacKeys tokenKeys = new MacKeys() {
    @Override
    public byte[] mac(KeyLabel label, byte[] data) {
      return SoftwareMacVerifier.hmac(TOKEN_SECRET, data);
    }

    @Override
    public void verifyMac(KeyLabel label, byte[] data, byte[] mac) throws InvalidMacException {
      if (!MessageDigest.isEqual(mac(label, data), mac)) {
        throw new InvalidMacException(label);
      }
    }
  };

  private final WrappedMacKeys wrappedKeys = new WrappedMacKeys() {
    @Override
    public IssuedSecret generateHmacSecret(KekId kek, int bytes, RSAPublicKey recipient) {
      throw new UnsupportedOperationException();
    }

    @Override
    public io.keygate.hsm.IssuedSecretBatch generateHmacSecrets(KekId kek, int bytes, int count,
        RSAPublicKey recipient) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void verifyMac(WrappedSecret secret, byte[] data, byte[] mac)
        throws InvalidMacException {
      if (!MessageDigest.isEqual(SoftwareMacVerifier.hmac(WRAPPED_SECRET, data), mac)) {
        throw new InvalidMacException(secret.toString());
      }
    }

    @Override
    public WrappedSecret rewrap(WrappedSecret secret, KekId to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean hasKek(KekId kek) {
      return true;
    }

    @Override
    public void checkEnforcement(KekId kek) {}

    @Override
    public void destroyKek(KekId kek) {
      throw new UnsupportedOperationException();
    }
  };

  @Test
  void aTokenKeyCredential_isCheckedWithItsTokenKey_aWrappedOneWithItsBlob() {
    CredentialSecrets secrets = new CredentialSecrets(tokenKeys, Optional.of(wrappedKeys));
    byte[] byTokenSecret = SoftwareMacVerifier.hmac(TOKEN_SECRET, DATA);
    byte[] byWrappedSecret = SoftwareMacVerifier.hmac(WRAPPED_SECRET, DATA);

    assertThatCode(() -> secrets.verify(TOKEN_KEY, DATA, byTokenSecret)).doesNotThrowAnyException();
    assertThatThrownBy(() -> secrets.verify(TOKEN_KEY, DATA, byWrappedSecret))
        .isInstanceOf(InvalidMacException.class);
    assertThatCode(() -> secrets.verify(WRAPPED, DATA, byWrappedSecret)).doesNotThrowAnyException();
    assertThatThrownBy(() -> secrets.verify(WRAPPED, DATA, byTokenSecret))
        .isInstanceOf(InvalidMacException.class);
  }

  @Test
  void aWrappedCredential_onANodeWithoutTheHierarchy_cannotBeChecked_andSaysWhy() {
    CredentialSecrets secrets = new CredentialSecrets(tokenKeys, Optional.empty());

    assertThatThrownBy(() -> secrets.verify(WRAPPED, DATA, SoftwareMacVerifier.hmac(WRAPPED_SECRET, DATA)))
        .isInstanceOf(HsmOperationException.class)
        .hasMessageContaining("AK2").hasMessageContaining("k1");
    assertThatCode(() -> secrets.verify(TOKEN_KEY, DATA, SoftwareMacVerifier.hmac(TOKEN_SECRET, DATA)))
        .doesNotThrowAnyException();
  }
}

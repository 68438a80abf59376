package io.keygate.hsm.pkcs11;

import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.KeyAdministration;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.cert.CertificateBuilder;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Importing, generating, listing and destroying keys. Every key is stored through SunPKCS11's
 * KeyStore, whose config {@code attributes()} blocks make it sensitive and non-extractable.
 */
final class Pkcs11KeyAdministration implements KeyAdministration {
  private final Pkcs11Session session;
  private final Pkcs11Signer signer;
  private final CertificateBuilder certificates;

  Pkcs11KeyAdministration(
      Pkcs11Session session, Pkcs11Signer signer, CertificateBuilder certificates) {
    this.session = session;
    this.signer = signer;
    this.certificates = certificates;
  }

  @Override
  public KeyInfo importHmacSecret(KeyLabel label, SecretBytes secret) throws HsmException {
    if (secret.length() < Pkcs11Session.MIN_HMAC_SECRET_BYTES) {
      throw new HsmOperationException(
          "HMAC secrets must have at least " + Pkcs11Session.MIN_HMAC_SECRET_BYTES + " bytes");
    }
    return session.call(
        "import-hmac",
        label,
        () -> {
          session.requireAbsent(label);
          byte[] raw = secret.unsafeCopy();
          try {
            SecretKeySpec spec = new SecretKeySpec(raw, "HmacSHA256");
            session.keys().store().setEntry(label.value(), new KeyStore.SecretKeyEntry(spec), null);
          } finally {
            Arrays.fill(raw, (byte) 0);
          }
          return session.describeLoaded(label);
        });
  }

  @Override
  public KeyInfo generateAesKey(KeyLabel label) throws HsmException {
    return session.call(
        "generate-aes",
        label,
        () -> {
          session.requireAbsent(label);
          KeyGenerator generator = KeyGenerator.getInstance("AES", session.provider());
          generator.init(256, session.options().random());
          SecretKey sessionKey = generator.generateKey();
          session.keys().store()
              .setEntry(label.value(), new KeyStore.SecretKeyEntry(sessionKey), null);
          return session.describeLoaded(label);
        });
  }

  @Override
  public KeyInfo generateEcKey(KeyLabel label, CertificateProfile profile) throws HsmException {
    return session.call(
        "generate-ec",
        label,
        () -> {
          session.requireAbsent(label);
          KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", session.provider());
          generator.initialize(new ECGenParameterSpec("secp256r1"), session.options().random());
          KeyPair pair = generator.generateKeyPair();
          X509Certificate cert =
              certificates.selfSigned(
                  pair.getPublic(),
                  profile,
                  label.value(),
                  data -> sign(pair, data),
                  session.options().clock().instant());
          // Storing the session key with a certificate copies it into the token as a token object.
          session.keys().store()
              .setKeyEntry(label.value(), pair.getPrivate(), null, new Certificate[] {cert});
          return session.describeLoaded(label);
        });
  }

  private byte[] sign(KeyPair pair, byte[] data) throws HsmException {
    try {
      return signer.signWith(pair.getPrivate(), data);
    } catch (Exception e) {
      throw Pkcs11Failures.translate("sign", e);
    }
  }

  @Override
  public List<KeyInfo> listKeys() throws HsmException {
    return session.call(
        "list",
        null,
        () -> {
          session.keys().refresh();
          List<KeyInfo> out = new ArrayList<>();
          for (String alias : Collections.list(session.keys().store().aliases())) {
            if (!KeyLabel.isValid(alias)) {
              continue; // not one of ours: Keygate never made a key it could not name
            }
            KeyLabel label = KeyLabel.of(alias);
            Key key = session.keys().find(label);
            if (key != null) {
              out.add(session.describe(label, key));
            }
          }
          out.sort((a, b) -> a.label().value().compareTo(b.label().value()));
          return out;
        });
  }

  @Override
  public Optional<KeyInfo> describeKey(KeyLabel label) throws HsmException {
    return session.call(
        "describe",
        label,
        () -> {
          Key key = session.keys().find(label);
          return key == null ? Optional.empty() : Optional.of(session.describe(label, key));
        });
  }

  @Override
  public void destroyKey(KeyLabel label) throws HsmException {
    session.call(
        "destroy",
        label,
        () -> {
          if (session.keys().find(label) == null) {
            throw new KeyNotFoundException("no key " + label + " in the token");
          }
          session.keys().store().deleteEntry(label.value());
          session.keys().forget(label);
          return null;
        });
  }

  @Override
  public void refresh() throws HsmException {
    session.call(
        "refresh",
        null,
        () -> {
          session.keys().refresh();
          return null;
        });
  }

  @Override
  public boolean isHealthCanary(KeyLabel label) {
    return Pkcs11Session.CANARY.equals(label);
  }

  /**
   * Tries to read the key's value out of the token the way any JCA caller could
   * (Key.getEncoded, which asks the token for CKA_VALUE unless the key is sensitive). Returns true
   * if the value came out, which would mean the key is exposed; whatever came out is zeroed.
   */
  boolean valueReadable(KeyLabel label) throws HsmException {
    return session.call(
        "export-attempt",
        label,
        () -> {
          Key key = session.keys().find(label);
          if (key == null) {
            throw new KeyNotFoundException("no key " + label + " in the token");
          }
          byte[] value = key.getEncoded();
          if (value == null) {
            return false;
          }
          Arrays.fill(value, (byte) 0);
          return true;
        });
  }
}

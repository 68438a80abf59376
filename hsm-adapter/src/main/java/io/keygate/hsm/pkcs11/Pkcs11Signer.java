package io.keygate.hsm.pkcs11;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyType;
import io.keygate.hsm.SigningKeys;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/** SHA256withECDSA with token EC keys, and the public keys and chains stored with them. */
final class Pkcs11Signer implements SigningKeys {
  private final Pkcs11Session session;

  Pkcs11Signer(Pkcs11Session session) {
    this.session = session;
  }

  @Override
  public byte[] sign(KeyLabel label, byte[] data) throws HsmException {
    return session.call(
        "sign",
        label,
        () -> session.withKey(label, KeyType.EC_P256, k -> signWith((PrivateKey) k, data)));
  }

  /** Signs with a key handle already in hand (e.g. a key pair just generated). */
  byte[] signWith(PrivateKey key, byte[] data) throws Exception {
    Signature signature = Signature.getInstance("SHA256withECDSA", session.provider());
    signature.initSign(key, session.options().random());
    signature.update(data);
    return signature.sign();
  }

  @Override
  public PublicKey publicKey(KeyLabel label) throws HsmException {
    return certificateChain(label).get(0).getPublicKey();
  }

  @Override
  public List<X509Certificate> certificateChain(KeyLabel label) throws HsmException {
    return session.call(
        "certificate-chain",
        label,
        () -> {
          session.withKey(label, KeyType.EC_P256, k -> k);
          return session.chainOf(label);
        });
  }

  /** The private key handle for {@code label}, for the TLS stack to sign handshakes with. */
  PrivateKey privateKey(KeyLabel label) throws HsmException {
    return session.call(
        "tls-key", label, () -> (PrivateKey) session.withKey(label, KeyType.EC_P256, k -> k));
  }
}

package io.keygate.hsm.pkcs11;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.TlsKeys;
import io.keygate.hsm.tls.PinnedKeyManager;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/** Key managers over token EC keys: the handshake signs through the provider, in the token. */
final class Pkcs11TlsKeys implements TlsKeys {
  private final Pkcs11Signer signer;

  Pkcs11TlsKeys(Pkcs11Signer signer) {
    this.signer = signer;
  }

  @Override
  public X509KeyManager tlsKeyManager(KeyLabel label) throws HsmException {
    return pinned(label);
  }

  @Override
  public KeyManagerFactory tlsKeyManagerFactory(KeyLabel label) throws HsmException {
    return pinned(label).asFactory();
  }

  @Override
  public List<X509Certificate> certificateChain(KeyLabel label) throws HsmException {
    return signer.certificateChain(label);
  }

  private PinnedKeyManager pinned(KeyLabel label) throws HsmException {
    List<X509Certificate> chain = signer.certificateChain(label);
    return new PinnedKeyManager(label.value(), signer.privateKey(label), chain);
  }
}

package io.keygate.hsm.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager that always offers one key and chain, whatever the peer asks: the gateway has
 * exactly one TLS identity per listener. The private key is a handle into the token; the TLS
 * handshake signs with it through the token's JCA provider.
 */
public final class PinnedKeyManager extends X509ExtendedKeyManager {
  private final String alias;
  private final String keyType;
  private final PrivateKey privateKey;
  private final X509Certificate[] chain;

  public PinnedKeyManager(String alias, PrivateKey privateKey, List<X509Certificate> chain) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain is empty");
    }
    this.alias = alias;
    this.privateKey = privateKey;
    this.keyType = privateKey.getAlgorithm();
    this.chain = chain.toArray(X509Certificate[]::new);
  }

  /** Wraps this manager in a factory, for APIs (Netty, JSSE) that take a factory. */
  public KeyManagerFactory asFactory() {
    return FixedKeyManagerFactory.of(this, "Pinned");
  }


  private boolean offers(String[] keyTypes) {
    if (keyTypes == null) {
      return true;
    }
    for (String t : keyTypes) {
      if (offers(t)) {
        return true;
      }
    }
    return false;
  }

  private boolean offers(String requested) {
    // JSSE asks for "EC" (TLS 1.3) or "EC_EC"/"ECDHE_ECDSA" style names (TLS 1.2).
    return requested == null || requested.equals(keyType) || requested.contains("ECDSA")
        || requested.startsWith(keyType + "_");
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return offers(keyType) ? new String[] {alias} : null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return offers(keyTypes) ? alias : null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return offers(keyTypes) ? alias : null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return offers(keyType) ? new String[] {alias} : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return offers(keyType) ? alias : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return offers(keyType) ? alias : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String requested) {
    return alias.equals(requested) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String requested) {
    return alias.equals(requested) ? privateKey : null;
  }

  @Override
  public String toString() {
    return "PinnedKeyManager[" + alias + ", " + chain[0].getSubjectX500Principal() + "]";
  }
}

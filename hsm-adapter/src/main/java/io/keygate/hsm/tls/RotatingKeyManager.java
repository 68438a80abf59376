package io.keygate.hsm.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * A server key manager whose key can be replaced while the server runs: each new handshake uses
 * the key installed last, established connections are not touched (their keys were agreed in
 * their handshake). This is how a listener rotates its TLS key without dropping anyone.
 *
 * <p>A handshake asks for an alias first and for that alias's key and chain a moment later. A
 * rotation between the two must not leave it with nothing, so the managers of the last few keys
 * stay reachable by alias; only the choice of alias follows the current one. Aliases must
 * therefore be unique per key (the token's key labels are).
 */
public final class RotatingKeyManager extends X509ExtendedKeyManager {
  /** Enough for a handshake in flight across two quick rotations. */
  private static final int REMEMBERED = 3;

  private record Installed(String alias, X509KeyManager manager) {}

  private volatile Installed current;
  // Guarded by itself; read only on the two lookups of a handshake, written on a rotation.
  private final Map<String, X509KeyManager> recent = new LinkedHashMap<>();

  /**
   * @param alias the name this key is chosen under (the key label)
   * @param manager serves exactly that alias, e.g. the token's {@code tlsKeyManager(label)}
   */
  public RotatingKeyManager(String alias, X509KeyManager manager) {
    install(alias, manager);
  }

  /** Makes new handshakes use {@code manager}'s key; returns the alias that was current before. */
  public String install(String alias, X509KeyManager manager) {
    Objects.requireNonNull(alias, "alias");
    Objects.requireNonNull(manager, "manager");
    if (manager.getPrivateKey(alias) == null || manager.getCertificateChain(alias) == null) {
      throw new IllegalArgumentException("the manager has no key and chain for " + alias);
    }
    String previous;
    synchronized (recent) {
      recent.remove(alias);
      recent.put(alias, manager);
      while (recent.size() > REMEMBERED) {
        recent.remove(recent.keySet().iterator().next());
      }
      previous = current == null ? null : current.alias();
      current = new Installed(alias, manager);
    }
    return previous;
  }

  /** The alias (key label) that new handshakes use. */
  public String currentAlias() {
    return current.alias();
  }

  /** The leaf certificate new handshakes present. */
  public X509Certificate currentCertificate() {
    Installed now = current;
    return now.manager().getCertificateChain(now.alias())[0];
  }

  /** This manager as a factory, for APIs (Netty, JSSE) that take one. */
  public KeyManagerFactory asFactory() {
    return FixedKeyManagerFactory.of(this, "Rotating");
  }


  private X509KeyManager managerFor(String alias) {
    if (alias == null) {
      return null;
    }
    synchronized (recent) {
      return recent.get(alias);
    }
  }

  /** The current alias if its manager would offer it for this key type, else null. */
  private String choose(String keyType, Principal[] issuers, SSLEngine engine, Socket socket) {
    Installed now = current;
    String chosen;
    if (now.manager() instanceof X509ExtendedKeyManager extended && engine != null) {
      chosen = extended.chooseEngineServerAlias(keyType, issuers, engine);
    } else {
      chosen = now.manager().chooseServerAlias(keyType, issuers, socket);
    }
    return now.alias().equals(chosen) ? chosen : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return choose(keyType, issuers, engine, null);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(keyType, issuers, null, socket);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    Installed now = current;
    return now.manager().getServerAliases(keyType, issuers);
  }

  // A server's key manager is never asked to act as a client.

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    X509KeyManager manager = managerFor(alias);
    return manager == null ? null : manager.getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    X509KeyManager manager = managerFor(alias);
    return manager == null ? null : manager.getPrivateKey(alias);
  }

  @Override
  public String toString() {
    return "RotatingKeyManager[" + current.alias() + "]";
  }
}

package io.keygate.hsm;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/** EC keys that a TLS stack signs handshakes with, without the key leaving the token. */
public interface TlsKeys {

  /** A TLS key manager that always presents the key and chain stored under {@code label}. */
  X509KeyManager tlsKeyManager(KeyLabel label) throws HsmException;

  /** {@link #tlsKeyManager} wrapped as a factory, for APIs that take one (Netty, JSSE). */
  KeyManagerFactory tlsKeyManagerFactory(KeyLabel label) throws HsmException;

  /** The chain a listener on {@code label} would present, leaf first. */
  List<X509Certificate> certificateChain(KeyLabel label) throws HsmException;
}

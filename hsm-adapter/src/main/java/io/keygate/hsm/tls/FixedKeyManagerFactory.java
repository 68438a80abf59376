package io.keygate.hsm.tls;

import java.security.KeyStore;
import java.security.Provider;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;

/**
 * A {@link KeyManagerFactory} that hands out one ready-made key manager, for APIs (Netty, JSSE)
 * that take a factory. Initialising it does nothing: the manager already knows its key.
 */
final class FixedKeyManagerFactory {
  private FixedKeyManagerFactory() {}

  static KeyManagerFactory of(KeyManager manager, String name) {
    KeyManager[] managers = {manager};
    KeyManagerFactorySpi spi =
        new KeyManagerFactorySpi() {
          @Override
          protected void engineInit(KeyStore ks, char[] password) {}

          @Override
          protected void engineInit(ManagerFactoryParameters spec) {}

          @Override
          protected KeyManager[] engineGetKeyManagers() {
            return managers.clone();
          }
        };
    return new KeyManagerFactory(spi, new Provider("Keygate" + name, "1", name + " key") {
          private static final long serialVersionUID = 1L;
        }, name) {};
  }
}

package io.keygate.gateway.server;

import io.keygate.gateway.auth.InMemoryNonceStore;
import io.keygate.gateway.config.ConfigDatabase;
import io.keygate.gateway.config.ConfigDatabaseSettings;
import io.keygate.gateway.config.SnapshotRefresher;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Runs one gateway node, configured by environment variables (see docs/operations.md):
 * KEYGATE_HSM_CONFIG, KEYGATE_HSM_PIN_FILE (or KEYGATE_HSM_PIN), KEYGATE_TLS_KEY, KEYGATE_LISTEN,
 * KEYGATE_DATA_DIR, KEYGATE_DB_URL/USER/PASSWORD_FILE, KEYGATE_CLIENT_CA_FILE,
 * KEYGATE_PLAINTEXT_DEV, KEYGATE_NONCE_CAPACITY. Stops cleanly on SIGTERM.
 */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    Path hsmConfig = Path.of(required(env, "KEYGATE_HSM_CONFIG"));
    Pin pin =
        env.containsKey("KEYGATE_HSM_PIN_FILE")
            ? Pin.fromFile(Path.of(env.get("KEYGATE_HSM_PIN_FILE")))
            : Pin.fromEnvironment(env, "KEYGATE_HSM_PIN");
    KeyLabel tlsKey = KeyLabel.of(env.getOrDefault("KEYGATE_TLS_KEY", "gateway-tls"));
    String listen = env.getOrDefault("KEYGATE_LISTEN", "0.0.0.0:8443");
    int colon = listen.lastIndexOf(':');
    InetSocketAddress address =
        new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
    Path dataDir = Path.of(env.getOrDefault("KEYGATE_DATA_DIR", "data"));
    List<X509Certificate> clientCas = new ArrayList<>();
    if (env.containsKey("KEYGATE_CLIENT_CA_FILE")) {
      try (InputStream in = Files.newInputStream(Path.of(env.get("KEYGATE_CLIENT_CA_FILE")))) {
        CertificateFactory.getInstance("X.509").generateCertificates(in)
            .forEach(c -> clientCas.add((X509Certificate) c));
      }
    }
    GatewaySettings defaults = GatewaySettings.defaults(address, tlsKey).withClientCas(clientCas);
    GatewaySettings settings =
        new GatewaySettings(
            defaults.listen(), defaults.tlsKey(), defaults.clientCas(),
            "true".equals(env.get("KEYGATE_PLAINTEXT_DEV")),
            defaults.timestampWindow(), defaults.maxConfigStaleness(), defaults.maxMessageBytes());

    Clock clock = Clock.systemUTC();
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    SunPkcs11Token hsm = SunPkcs11Token.open(hsmConfig, pin, Pkcs11TokenOptions.defaults());
    ConfigDatabase db = ConfigDatabase.open(ConfigDatabaseSettings.fromEnvironment(env, dataDir));
    SnapshotRefresher refresher = new SnapshotRefresher(db.store(clock), scheduler, clock);
    refresher.refreshNow();
    refresher.start();
    KeygateGateway gateway =
        KeygateGateway.start(
            settings, hsm, ConfigView.of(refresher), new InMemoryNonceStore(clock,
                Integer.parseInt(env.getOrDefault("KEYGATE_NONCE_CAPACITY", "1000000"))),
            clock, scheduler);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.close();
      refresher.close();
      scheduler.shutdownNow();
      db.close();
      hsm.close();
      stopped.countDown();
    }, "keygate-shutdown"));
    stopped.await();
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      System.err.println("keygate: set " + name + " (see docs/operations.md)");
      System.exit(2);
    }
    return value;
  }
}

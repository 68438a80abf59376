package io.keygate.launcher;

import io.keygate.admin.pki.Pem;
import io.keygate.launcher.KeystoreAdminVerbs.VerbFailedException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keygate init DIR}: a fresh SoftHSM2 token in DIR with random PINs in 0600 files, a KEK,
 * the TLS key with its certificate, the admin CA and the first officer's certificate and key, and
 * a config file {@code keygate serve} accepts. Each step is keystore-admin's own verb.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Makes a new node's token, keys, certificates and config file in DIR.",
      "DIR must be absent or empty (else exit 2: init never overwrites a token).",
      "It gets softhsm2.conf and tokens/, so.pin and user.pin (random, 0600, never",
      "printed), a KEK, the TLS key with server.pem (localhost, 127.0.0.1, --dns),",
      "the admin CA (admin-ca.pem), the first officer's certificate and key",
      "(officer.pem, officer.key 0600) and keygate.conf; then the next commands."
    })
final class InitCommand implements Callable<Integer> {
  static final String KEK = "keygate-kek";
  static final String PAYLOAD_KEK = "keygate-pkek";
  static final String TLS_KEY = "gateway-tls";
  static final String ADMIN_CA = "admin-ca";

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "where the token and the node's files go")
  Path dir;

  @Option(names = "--token-label", defaultValue = "keygate", paramLabel = "LABEL",
      description = "the SoftHSM2 token's label (default: ${DEFAULT-VALUE})")
  String tokenLabel;

  @Option(names = "--listen", defaultValue = "127.0.0.1:8443", paramLabel = "HOST:PORT",
      description = "where the node serves calls (default: ${DEFAULT-VALUE})")
  String listen;

  @Option(names = "--admin-listen", defaultValue = "127.0.0.1:8444", paramLabel = "HOST:PORT",
      description = "where the node serves its admin API, mTLS (default: ${DEFAULT-VALUE})")
  String adminListen;

  @Option(names = "--dns", paramLabel = "NAME",
      description = "another name the TLS certificate is for, besides localhost and 127.0.0.1"
          + " (repeatable): the name other machines call the node by")
  List<String> dnsNames = new ArrayList<>();

  @Option(names = "--officer", defaultValue = "officer", paramLabel = "NAME",
      description = "the first security officer's name (default: ${DEFAULT-VALUE})")
  String officer;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    NodeDirectory node = new NodeDirectory(dir);
    if (!node.isFresh()) {
      err.println("keygate: init: " + node.dir() + " exists and is not an empty directory;"
          + " init never overwrites a token or keys: give a new directory");
      return Keygate.USAGE;
    }
    if (!officer.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      err.println("keygate: init: --officer: 1-64 of A-Z a-z 0-9 . _ - (it names files)");
      return Keygate.USAGE;
    }
    if (!SoftHsmRelaunch.isSetTo(System.getenv("SOFTHSM2_CONF"), node.softhsmConf())) {
      return SoftHsmRelaunch.relaunch(node.softhsmConf(),
          spec.commandLine().getParseResult().originalArgs());
    }
    // The HSM adapter logs each call; here that would repeat what the summary says.
    Logger.getLogger("").setLevel(Level.WARNING);
    SecureRandom random = SecureRandom.getInstance("DRBG");
    KeystoreAdminVerbs admin = new KeystoreAdminVerbs(System.getenv(), random,
        Clock.systemUTC(), softhsmConfigDir());
    node.create();
    try {
      String fingerprint = bootstrap(node, admin, random);
      Files.writeString(node.config(), new NodeConfigText(node, tokenLabel, listen, adminListen,
          KEK, PAYLOAD_KEK, TLS_KEY, fingerprint).text());
    } catch (VerbFailedException e) {
      node.empty();
      err.println("keygate: init: " + e.getMessage());
      err.println("keygate: init: nothing was kept in " + node.dir());
      return 1;
    } catch (Exception e) {
      node.empty();
      throw e;
    }
    List<String> tlsNames = new ArrayList<>(List.of("localhost", "127.0.0.1"));
    tlsNames.addAll(dnsNames);
    out.print(new InitReport(node, tokenLabel, listen, adminListen, officer, tlsNames).text());
    out.flush();
    return 0;
  }

  /** The token, KEK, TLS key, admin CA and first officer; returns the officer's fingerprint. */
  private String bootstrap(NodeDirectory node, KeystoreAdminVerbs admin, SecureRandom random)
      throws Exception {
    NodeDirectory.writePin(node.soPin(), random);
    NodeDirectory.writePin(node.userPin(), random);
    String cfg = node.hsmConfig(tokenLabel).toString();
    String pin = node.userPin().toString();
    admin.run("bootstrap", "token", "--dir", node.dir().toString(), "--label", tokenLabel,
        "--so-pin-file", node.soPin().toString(), "--pin-file", pin);
    // The security officer first: SoftHSM refuses an SO login while user sessions are open.
    admin.run("kek", "generate", "--id", KEK, "--hsm-config", cfg,
        "--so-pin-file", node.soPin().toString());
    admin.run("kek", "generate-payload", "--id", PAYLOAD_KEK, "--hsm-config", cfg,
        "--so-pin-file", node.soPin().toString());
    String commonName = dnsNames.isEmpty() ? "localhost" : dnsNames.get(0);
    List<String> tlsKey = new ArrayList<>(List.of("bootstrap", "tls-key", "--hsm-config", cfg,
        "--pin-file", pin, "--label", TLS_KEY, "--cn", commonName, "--dns", "localhost",
        "--ip", "127.0.0.1", "--cert-out", node.serverCertificate().toString()));
    for (String name : dnsNames) {
      tlsKey.add("--dns");
      tlsKey.add(name);
    }
    admin.run(tlsKey.toArray(String[]::new));
    admin.run("bootstrap", "admin-ca", "--hsm-config", cfg, "--pin-file", pin,
        "--label", ADMIN_CA, "--cn", "Keygate Admin CA", "--cert-out", node.adminCa().toString());
    admin.run("bootstrap", "officer-cert", "--hsm-config", cfg, "--pin-file", pin,
        "--ca-label", ADMIN_CA, "--cn", officer,
        "--out-cert", node.officerCertificate(officer).toString(),
        "--out-key", node.officerKey(officer).toString());
    try (InputStream in = Files.newInputStream(node.officerCertificate(officer))) {
      X509Certificate cert = (X509Certificate)
          CertificateFactory.getInstance("X.509").generateCertificate(in);
      return Pem.sha256Fingerprint(cert);
    }
  }

  /** softhsm-config/ (create-token.sh): bin/keygate and the build name it. */
  private static Optional<Path> softhsmConfigDir() {
    String property = System.getProperty("keygate.softhsm.config.dir");
    return property == null || property.isBlank() ? Optional.empty() : Optional.of(Path.of(property));
  }
}

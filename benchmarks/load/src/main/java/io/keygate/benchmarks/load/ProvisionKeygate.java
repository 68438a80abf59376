package io.keygate.benchmarks.load;

import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import io.keygate.hsm.pkcs11.DirectWrappedMacs;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Cipher;

/**
 * Prepares a Keygate node the load benchmark drives, before it starts: in the embedded H2 store
 * under the data directory, tenant "bench" with three Echo APIs, each on a domain of its own
 * because an API is found by (host of the :authority, method):
 *
 * <ul>
 *   <li>{@value #NONE_DOMAIN}: auth mode none, to the main backend;
 *   <li>{@value #SIGNATURE_DOMAIN}: auth mode signature, to the main backend, granted to apps
 *       "bench-app-1" to "bench-app-N", one credential each, whose AccessKeys and AccessSecrets
 *       are written to the credential file;
 *   <li>{@value #PROBE_DOMAIN}: auth mode none, to the probe backend, so a probe's calls share
 *       the gateway but not the backend with the API under load.
 * </ul>
 *
 * <p>Secrets are made as a node makes them: {@code wrapped} (the key hierarchy, the production
 * path for new credentials) acts first as the security officer and generates the KEK in the token
 * ({@link DirectKekAdministration}, what {@code keystore-admin kek generate} runs), then issues
 * each secret inside the HSM wrapped under it, encrypted to a one-time RSA key of this run, which
 * decrypts it for the load generator as an officer's tool would; {@code token} imports each secret
 * as a token key of its own (the first design: on SoftHSM 0.1 s a key at first, up to 1 s
 * as the token fills).
 *
 * <p>The node itself is then started by run.sh as the production executable (GatewayMain) on the
 * same token and data directory. H2 in embedded mode lets one process at a time open the store,
 * which is why this runs first and exits.
 *
 * <p>The cluster benchmark provisions a shared MariaDB database instead ({@code --db-url}, with
 * {@code --db-user} and {@code --db-password-file}; the data directory is then unused) and asks
 * for the nodes' TLS key ({@code --tls-key LABEL --cert-out FILE}): an EC key made in the token
 * with a self-signed certificate for the three domains and 127.0.0.1, which its clients trust.
 *
 * <p>Arguments: {@code <sunpkcs11.cfg> <pin-file> <data-dir> <backend host:port>
 * <probe-backend host:port> <credential-file> [--keys N] [--secrets wrapped|token]
 * [--kek ID --so-pin-file FILE] [--db-url URL --db-user U --db-password-file F]
 * [--tls-key LABEL --cert-out FILE]} (kek and so-pin-file for wrapped, the default).
 */
public final class ProvisionKeygate {
  static final String NONE_DOMAIN = "none.localhost";
  static final String SIGNATURE_DOMAIN = "signature.localhost";
  static final String PROBE_DOMAIN = "probe.localhost";
  private static final String TENANT = "bench";
  private static final String USAGE = "usage: ProvisionKeygate <sunpkcs11.cfg> <pin-file> <data-dir>"
      + " <backend host:port> <probe-backend host:port> <credential-file> [--keys N]"
      + " [--secrets wrapped|token] [--kek ID --so-pin-file FILE]"
      + " [--db-url URL --db-user U --db-password-file F] [--tls-key LABEL --cert-out FILE]";

  private ProvisionKeygate() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 6 || (args.length - 6) % 2 != 0) {
      usage();
    }
    int keys = 1;
    boolean wrapped = true;
    KekId kek = null;
    Path soPinFile = null;
    String dbUrl = null;
    String dbUser = "";
    Path dbPasswordFile = null;
    String tlsKey = null;
    Path certOut = null;
    for (int i = 6; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--keys" -> keys = Integer.parseInt(value);
        case "--secrets" -> wrapped = switch (value) {
          case "wrapped" -> true;
          case "token" -> false;
          default -> usage();
        };
        case "--kek" -> kek = KekId.of(value);
        case "--so-pin-file" -> soPinFile = Path.of(value);
        case "--db-url" -> dbUrl = value;
        case "--db-user" -> dbUser = value;
        case "--db-password-file" -> dbPasswordFile = Path.of(value);
        case "--tls-key" -> tlsKey = value;
        case "--cert-out" -> certOut = Path.of(value);
        default -> usage();
      }
    }
    if (keys < 1 || (wrapped && (kek == null || soPinFile == null))
        || (tlsKey == null) != (certOut == null)) {
      usage();
    }
    Path hsmConfig = Path.of(args[0]);
    Path pinFile = Path.of(args[1]);
    if (wrapped) {
      // The officer first, alone: a process logs in to a token as one kind of user at a time, and
      // closing the officer's sessions logs it out again.
      try (DirectKekAdministration so =
          DirectKekAdministration.openAsSecurityOfficer(hsmConfig, Pin.fromFile(soPinFile))) {
        so.generateKek(kek);
      }
    }
    try (DirectWrappedMacs hierarchy = wrapped
            ? DirectWrappedMacs.open(hsmConfig, Pin.fromFile(pinFile), 1, 1, Clock.systemUTC())
            : null;
        SunPkcs11Token hsm = SunPkcs11Token.open(
            hsmConfig, Pin.fromFile(pinFile), Pkcs11TokenOptions.defaults());
        ConfigDatabase db = ConfigDatabase.open(dbUrl == null
            ? ConfigDatabaseSettings.embeddedH2(Path.of(args[2]))
            : ConfigDatabaseSettings.of(dbUrl, dbUser, password(dbPasswordFile)));
        BenchCredential.Writer credentials = new BenchCredential.Writer(Path.of(args[5]))) {
      ConfigStore store = db.store(Clock.systemUTC());
      CredentialIssuer issuer = new CredentialIssuer(hsm, store, new SecureRandom());
      Optional<KeyPair> recipient = Optional.empty();
      if (wrapped) {
        issuer = issuer.withHierarchy(hierarchy, kek);
        // One-time: made for this run, never stored; it can read only what this run was issued.
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(WrappedMacKeys.MIN_RECIPIENT_BITS);
        recipient = Optional.of(rsa.generateKeyPair());
      }
      setUp(store, args[3], args[4]);
      if (tlsKey != null) {
        tlsKey(hsm, tlsKey, certOut);
      }
      long start = System.nanoTime();
      for (int i = 1; i <= keys; i++) {
        String app = "bench-app-" + i;
        store.createApp(new App(app, TENANT, "Load generator " + i));
        store.grant(new Grant(TENANT, app, "api-signature"));
        issue(issuer, app, recipient, credentials);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "provisioned tenant %s: %s (none), %s (signature, %d app%s"
              + " with a credential each, secrets %s), %s (none, probe backend); issued in %.1f s,"
              + " %.1f ms a credential%n", TENANT, NONE_DOMAIN, SIGNATURE_DOMAIN, keys,
          keys == 1 ? "" : "s", wrapped ? "wrapped under KEK " + kek : "as token keys",
          PROBE_DOMAIN, seconds, seconds * 1000 / keys);
    }
  }

  private static char[] password(Path file) throws java.io.IOException {
    return file == null ? new char[0]
        : java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip()
            .toCharArray();
  }

  /** The nodes' TLS key, made in the token, and its certificate for clients to trust (PEM). */
  private static void tlsKey(SunPkcs11Token hsm, String label, Path certOut) throws Exception {
    KeyLabel key = KeyLabel.of(label);
    hsm.generateEcKey(key, new CertificateProfile("keygate-cluster",
        java.util.List.of(NONE_DOMAIN, SIGNATURE_DOMAIN, PROBE_DOMAIN, "localhost"),
        java.util.List.of("127.0.0.1"), java.time.Duration.ofDays(7)));
    java.security.cert.X509Certificate cert = hsm.certificateChain(key).get(0);
    String pem = "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
    java.nio.file.Files.writeString(certOut, pem, java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static <T> T usage() {
    System.err.println(USAGE);
    System.exit(2);
    return null;
  }

  static void setUp(ConfigStore store, String backend, String probeBackend) throws Exception {
    String echo = LoadCall.ECHO.getFullMethodName();
    store.createTenant(new Tenant(TENANT, "Load benchmark"));
    // What a security officer decides: the tenant's domains and the backends it may use.
    for (String domain : new String[] {NONE_DOMAIN, SIGNATURE_DOMAIN, PROBE_DOMAIN}) {
      store.allowDomain(new DomainAllowance(TENANT, domain));
    }
    // true: the officer lets APIs on these backends use auth mode none (the baseline runs).
    store.allowBackend(new BackendAllowance(TENANT, backend, true));
    store.allowBackend(new BackendAllowance(TENANT, probeBackend, true));
    store.registerApi(new ApiDefinition("api-none", TENANT, NONE_DOMAIN, echo, backend, AuthMode.NONE));
    store.registerApi(new ApiDefinition(
        "api-signature", TENANT, SIGNATURE_DOMAIN, echo, backend, AuthMode.SIGNATURE));
    store.registerApi(new ApiDefinition(
        "api-probe", TENANT, PROBE_DOMAIN, echo, probeBackend, AuthMode.NONE));
  }

  /** One credential of {@code app}, its secret in the clear only in the credential file. */
  private static void issue(CredentialIssuer issuer, String app, Optional<KeyPair> recipient,
      BenchCredential.Writer credentials) throws Exception {
    if (recipient.isEmpty()) {
      IssuedCredential.InClear issued = issuer.issue(TENANT, app, null);
      byte[] secret = issued.secret().unsafeCopy();
      try {
        credentials.add(issued.accessKey(), secret);
      } finally {
        Arrays.fill(secret, (byte) 0);
        issued.secret().destroy();
      }
      return;
    }
    IssuedCredential.ForRecipient issued = (IssuedCredential.ForRecipient) issuer.issue(
        TENANT, app, null, Optional.of((RSAPublicKey) recipient.get().getPublic()));
    // What the officer's tool does with the reply (keystore-admin's OneTimeRecipient).
    Cipher c = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    c.init(Cipher.DECRYPT_MODE, recipient.get().getPrivate());
    byte[] secret = c.doFinal(issued.secretForRecipient());
    try {
      credentials.add(issued.accessKey(), secret);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }
}

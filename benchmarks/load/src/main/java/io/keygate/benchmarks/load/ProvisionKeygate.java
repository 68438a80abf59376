package io.keygate.benchmarks.load;

import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.IssuedCredential.InClear;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.hsm.Pin;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;

/**
 * Prepares the Keygate node the load benchmark drives, before it starts: in the embedded H2 store
 * under the data directory, tenant "bench" with three Echo APIs, each on a domain of its own
 * because an API is found by (host of the :authority, method):
 *
 * <ul>
 *   <li>{@value #NONE_DOMAIN}: auth mode none, to the main backend;
 *   <li>{@value #SIGNATURE_DOMAIN}: auth mode signature, to the main backend, granted to app
 *       "bench-app" whose AccessKey and AccessSecret are written to the credential file;
 *   <li>{@value #PROBE_DOMAIN}: auth mode none, to the probe backend, so a probe's calls share
 *       the gateway but not the backend with the API under load.
 * </ul>
 *
 * <p>The node itself is then started by run.sh as the production executable (GatewayMain) on the
 * same token and data directory. H2 in embedded mode lets one process at a time open the store,
 * which is why this runs first and exits.
 *
 * <p>Arguments: {@code <sunpkcs11.cfg> <pin-file> <data-dir> <backend host:port>
 * <probe-backend host:port> <credential-file>}.
 */
public final class ProvisionKeygate {
  static final String NONE_DOMAIN = "none.localhost";
  static final String SIGNATURE_DOMAIN = "signature.localhost";
  static final String PROBE_DOMAIN = "probe.localhost";
  private static final String TENANT = "bench";
  private static final String APP = "bench-app";

  private ProvisionKeygate() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: ProvisionKeygate <sunpkcs11.cfg> <pin-file> <data-dir>"
          + " <backend host:port> <probe-backend host:port> <credential-file>");
      System.exit(2);
    }
    Path dataDir = Path.of(args[2]);
    try (SunPkcs11Token hsm = SunPkcs11Token.open(
            Path.of(args[0]), Pin.fromFile(Path.of(args[1])), Pkcs11TokenOptions.defaults());
        ConfigDatabase db = ConfigDatabase.open(ConfigDatabaseSettings.embeddedH2(dataDir))) {
      ConfigStore store = db.store(Clock.systemUTC());
      InClear credential = provision(store,
          new CredentialIssuer(hsm, store, new SecureRandom()), args[3], args[4]);
      BenchCredential.write(Path.of(args[5]), credential.accessKey(), credential.secret().unsafeCopy());
      credential.secret().destroy();
      System.out.println("provisioned tenant " + TENANT + ": " + NONE_DOMAIN + " (none), "
          + SIGNATURE_DOMAIN + " (signature, AccessKey " + credential.accessKey() + "), "
          + PROBE_DOMAIN + " (none, probe backend)");
    }
  }

  static InClear provision(
      ConfigStore store, CredentialIssuer issuer, String backend, String probeBackend)
      throws Exception {
    String echo = LoadCall.ECHO.getFullMethodName();
    store.createTenant(new Tenant(TENANT, "Load benchmark"));
    // What a security officer decides: the tenant's domains and the backends it may use.
    for (String domain : new String[] {NONE_DOMAIN, SIGNATURE_DOMAIN, PROBE_DOMAIN}) {
      store.allowDomain(new DomainAllowance(TENANT, domain));
    }
    // true: the officer lets APIs on these backends use auth mode none (the baseline runs).
    store.allowBackend(new BackendAllowance(TENANT, backend, true));
    store.allowBackend(new BackendAllowance(TENANT, probeBackend, true));
    store.createApp(new App(APP, TENANT, "Load generator"));
    store.registerApi(new ApiDefinition("api-none", TENANT, NONE_DOMAIN, echo, backend, AuthMode.NONE));
    store.registerApi(new ApiDefinition(
        "api-signature", TENANT, SIGNATURE_DOMAIN, echo, backend, AuthMode.SIGNATURE));
    store.registerApi(new ApiDefinition(
        "api-probe", TENANT, PROBE_DOMAIN, echo, probeBackend, AuthMode.NONE));
    store.grant(new Grant(TENANT, APP, "api-signature"));
    return issuer.issue(TENANT, APP, null);
  }
}

package io.keygate.demo;

import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.model.Grant;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.credentials.CredentialRuleException;
import io.keygate.gateway.credentials.IssuedCredential.ForRecipient;
import java.security.interfaces.RSAPublicKey;
import java.util.Optional;
import io.keygate.hsm.HsmException;

/**
 * The demo's two tenants. acme owns Echo, EchoStream and Collect (on the acme backend, under the
 * domain localhost) and grants them to acme-app; globex owns Chat (on the globex backend, under
 * globex.localhost) and grants it to globex-app. A security officer gave each its domain and
 * backend. Nobody is authorized across tenants. The gateway's end-to-end tests provision the same two tenants with
 * their own copy (io.keygate.gateway.e2e.DemoTenants): they cannot depend on this module, which
 * depends on the gateway.
 */
final class DemoTenants {
  public static final String ECHO = "keygate.demo.v1.EchoService/Echo";
  public static final String ECHO_STREAM = "keygate.demo.v1.EchoService/EchoStream";
  public static final String COLLECT = "keygate.demo.v1.EchoService/Collect";
  public static final String CHAT = "keygate.demo.v1.EchoService/Chat";
  /** acme's domain: calls sent to it (any port) reach acme's APIs only. */
  public static final String ACME_DOMAIN = "localhost";
  /** globex's domain (RFC 6761: every *.localhost name is this machine). */
  public static final String GLOBEX_DOMAIN = "globex.localhost";

  /**
   * The credentials issued while provisioning: made in the HSM, stored only wrapped, their secrets
   * encrypted to the officer's one-time key and nowhere else.
   */
  public record Credentials(ForRecipient acme, ForRecipient globex) {}

  private DemoTenants() {}

  public static Credentials provision(ConfigStore store, CredentialIssuer issuer,
      RSAPublicKey officer, String acmeBackend, String globexBackend)
      throws StoreException, HsmException, CredentialRuleException {
    store.createTenant(new Tenant("acme", "Acme Corp"));
    store.createTenant(new Tenant("globex", "Globex"));
    // What a security officer decides: each tenant's domain and the backends it may use.
    store.allowDomain(new DomainAllowance("acme", ACME_DOMAIN));
    store.allowDomain(new DomainAllowance("globex", GLOBEX_DOMAIN));
    store.allowBackend(new BackendAllowance("acme", acmeBackend, false));
    store.allowBackend(new BackendAllowance("globex", globexBackend, false));
    store.createApp(new App("acme-app", "acme", "Acme mobile"));
    store.createApp(new App("globex-app", "globex", "Globex portal"));
    String[][] acmeApis = {{"api-echo", ECHO}, {"api-stream", ECHO_STREAM}, {"api-collect", COLLECT}};
    for (String[] api : acmeApis) {
      store.registerApi(new ApiDefinition(
          api[0], "acme", ACME_DOMAIN, api[1], acmeBackend, AuthMode.SIGNATURE));
      store.grant(new Grant("acme", "acme-app", api[0]));
    }
    store.registerApi(new ApiDefinition(
        "api-chat", "globex", GLOBEX_DOMAIN, CHAT, globexBackend, AuthMode.SIGNATURE));
    store.grant(new Grant("globex", "globex-app", "api-chat"));
    return new Credentials(
        (ForRecipient) issuer.issue("acme", "acme-app", null, Optional.of(officer)),
        (ForRecipient) issuer.issue("globex", "globex-app", null, Optional.of(officer)));
  }
}

package io.keygate.admin.declarative;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One tenant's configuration as {@code apply} and {@code export} see it: what a file declares, or
 * what the admin API lists. Never credentials or secrets: those are issued, not declared. Lists
 * are compared as sets of their elements (order in a file does not matter).
 */
public record TenantState(
    String id,
    String name,
    List<App> apps,
    List<String> domains,
    List<Backend> backends,
    List<Api> apis,
    List<Grant> grants,
    List<Authorization> authorizations) {

  public TenantState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    apps = List.copyOf(apps);
    domains = List.copyOf(domains);
    backends = List.copyOf(backends);
    apis = List.copyOf(apis);
    grants = List.copyOf(grants);
    authorizations = List.copyOf(authorizations);
  }

  public record App(String id, String name) {}

  /** A backend the tenant's APIs may use; {@code allowUnauthenticated} lets auth-none APIs use it. */
  public record Backend(String target, boolean allowUnauthenticated) {}

  /**
   * @param auth "signature" or "none"
   * @param preAuthMaxMessageBytes 0: the node's limit
   */
  public record Api(String id, String domain, String method, String backend, String auth,
      int preAuthMaxMessageBytes) {}

  public record Grant(String app, String api) {}

  /**
   * Lets an app of another tenant call some of this tenant's APIs.
   *
   * @param expiresAt null: until revoked
   */
  public record Authorization(String id, String granteeApp, List<String> apis, Instant expiresAt) {
    public Authorization {
      apis = List.copyOf(apis);
    }
  }
}

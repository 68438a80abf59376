package io.keygate.admin.declarative;

import io.keygate.proto.admin.v1.AllowBackendRequest;
import io.keygate.proto.admin.v1.AllowDomainRequest;
import io.keygate.proto.admin.v1.BackendAllowance;
import io.keygate.proto.admin.v1.CreateAppRequest;
import io.keygate.proto.admin.v1.CreateAuthorizationRequest;
import io.keygate.proto.admin.v1.CreateGrantRequest;
import io.keygate.proto.admin.v1.CreateTenantRequest;
import io.keygate.proto.admin.v1.DomainAllowance;
import io.keygate.proto.admin.v1.Grant;
import io.keygate.proto.admin.v1.RegisterApiRequest;
import io.keygate.proto.admin.v1.RemoveApiRequest;
import io.keygate.proto.admin.v1.RemoveBackendRequest;
import io.keygate.proto.admin.v1.RemoveDomainRequest;
import io.keygate.proto.admin.v1.RevokeAuthorizationRequest;
import io.keygate.proto.admin.v1.RevokeGrantRequest;
import io.keygate.proto.admin.v1.UpdateApiRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compares what a file declares with what the gateway holds and lists the admin API calls that
 * make the one the other. Only the tenants the file names are touched. Additions run first, in
 * dependency order (tenants, apps, domains, backends, APIs, grants, authorizations); removals
 * after, in the reverse order, so nothing is removed while something still uses it. What the
 * admin API cannot change in place (a tenant's or an app's name, an authorization's terms) is a
 * note, never a silent difference; apps and tenants are never removed (their credentials and
 * audit history hang on them).
 */
public final class Planner {
  private final List<Plan.Change> tenants = new ArrayList<>();
  private final List<Plan.Change> apps = new ArrayList<>();
  private final List<Plan.Change> domains = new ArrayList<>();
  private final List<Plan.Change> backends = new ArrayList<>();
  private final List<Plan.Change> apis = new ArrayList<>();
  private final List<Plan.Change> grants = new ArrayList<>();
  private final List<Plan.Change> authorizations = new ArrayList<>();
  private final List<Plan.Change> removals = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private Planner() {}

  public static Plan plan(List<TenantState> desired, ServerState server) {
    Planner p = new Planner();
    for (TenantState want : desired) {
      Optional<TenantState> have = server.tenant(want.id(), want.name());
      p.tenant(want, have.orElse(null), have.isPresent() ? server.spentAuthorizationIds(want.id())
          : List.of(), server.knowsTenants());
    }
    List<Plan.Change> all = new ArrayList<>();
    for (List<Plan.Change> phase : List.of(p.tenants, p.apps, p.domains, p.backends, p.apis,
        p.grants, p.authorizations)) {
      all.addAll(phase);
    }
    // Removals were collected per tenant, innermost first within each kind's order below.
    all.addAll(orderedRemovals(p.removals));
    return new Plan(all, p.notes);
  }

  private static List<Plan.Change> orderedRemovals(List<Plan.Change> removals) {
    List<String> order = List.of("authorization", "grant", "api", "backend", "domain");
    List<Plan.Change> out = new ArrayList<>();
    for (String kind : order) {
      removals.stream().filter(c -> c.kind().equals(kind)).forEach(out::add);
    }
    return out;
  }

  private void tenant(TenantState want, TenantState have, List<String> spentIds,
      boolean namesKnown) {
    String t = want.id();
    if (have == null) {
      tenants.add(new Plan.Change('+', "tenant", t + " (" + want.name() + ")", a -> a.createTenant(
          CreateTenantRequest.newBuilder().setId(t).setName(want.name()).build())));
    } else if (namesKnown && !have.name().equals(want.name())) {
      notes.add("tenant " + t + ": named '" + have.name() + "' at the gateway, '" + want.name()
          + "' in the file; a tenant cannot be renamed: kept");
    }
    TenantState before = have != null ? have
        : new TenantState(t, want.name(), List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of());

    Map<String, TenantState.App> haveApps = byKey(before.apps(), TenantState.App::id);
    for (TenantState.App app : want.apps()) {
      TenantState.App old = haveApps.get(app.id());
      if (old == null) {
        apps.add(new Plan.Change('+', "app", t + "/" + app.id() + " (" + app.name() + ")",
            a -> a.createApp(CreateAppRequest.newBuilder().setTenantId(t).setId(app.id())
                .setName(app.name()).build())));
      } else if (!old.name().equals(app.name())) {
        notes.add("app " + t + "/" + app.id() + ": named '" + old.name() + "' at the gateway, '"
            + app.name() + "' in the file; an app cannot be renamed: kept");
      }
    }
    Set<String> wantApps = want.apps().stream().map(TenantState.App::id)
        .collect(Collectors.toSet());
    before.apps().stream().filter(app -> !wantApps.contains(app.id())).forEach(app ->
        notes.add("app " + t + "/" + app.id() + ": not in the file; apps are never removed by"
            + " apply (revoke its credentials instead): kept"));

    Set<String> haveDomains = new HashSet<>(before.domains());
    for (String d : want.domains()) {
      if (!haveDomains.contains(d)) {
        domains.add(new Plan.Change('+', "domain", t + " " + d, a -> a.allowDomain(
            AllowDomainRequest.newBuilder().setAllowance(DomainAllowance.newBuilder()
                .setTenantId(t).setDomain(d)).build())));
      }
    }
    for (String d : before.domains()) {
      if (!want.domains().contains(d)) {
        removals.add(new Plan.Change('-', "domain", t + " " + d, a -> a.removeDomain(
            RemoveDomainRequest.newBuilder().setTenantId(t).setDomain(d).build())));
      }
    }

    Map<String, TenantState.Backend> haveBackends =
        byKey(before.backends(), TenantState.Backend::target);
    for (TenantState.Backend b : want.backends()) {
      TenantState.Backend old = haveBackends.get(b.target());
      if (old == null) {
        backends.add(new Plan.Change('+', "backend", t + " " + b.target()
            + (b.allowUnauthenticated() ? " (also for auth none)" : ""), a -> a.allowBackend(
                AllowBackendRequest.newBuilder().setAllowance(BackendAllowance.newBuilder()
                    .setTenantId(t).setBackendTarget(b.target())
                    .setAllowUnauthenticated(b.allowUnauthenticated())).build())));
      } else if (old.allowUnauthenticated() != b.allowUnauthenticated()) {
        notes.add("backend " + t + " " + b.target() + ": allow_unauthenticated is "
            + old.allowUnauthenticated() + " at the gateway; it cannot change in place (leave"
            + " it out, apply, then add it back): kept");
      }
    }
    Set<String> wantBackends = want.backends().stream().map(TenantState.Backend::target)
        .collect(Collectors.toSet());
    for (TenantState.Backend b : before.backends()) {
      if (!wantBackends.contains(b.target())) {
        removals.add(new Plan.Change('-', "backend", t + " " + b.target(), a -> a.removeBackend(
            RemoveBackendRequest.newBuilder().setTenantId(t).setBackendTarget(b.target())
                .build())));
      }
    }

    Map<String, TenantState.Api> haveApis = byKey(before.apis(), TenantState.Api::id);
    for (TenantState.Api api : want.apis()) {
      TenantState.Api old = haveApis.get(api.id());
      if (old == null) {
        apis.add(new Plan.Change('+', "api", t + "/" + api.id() + ": " + describe(api),
            a -> a.registerApi(RegisterApiRequest.newBuilder()
                .setApi(ServerState.api(t, api)).build())));
      } else if (!old.equals(api)) {
        apis.add(new Plan.Change('~', "api", t + "/" + api.id() + ": " + describe(old) + " -> "
            + describe(api), a -> a.updateApi(UpdateApiRequest.newBuilder()
                .setApi(ServerState.api(t, api)).build())));
      }
    }
    Set<String> wantApis = want.apis().stream().map(TenantState.Api::id)
        .collect(Collectors.toSet());
    for (TenantState.Api api : before.apis()) {
      if (!wantApis.contains(api.id())) {
        removals.add(new Plan.Change('-', "api", t + "/" + api.id() + ": " + describe(api),
            a -> a.removeApi(RemoveApiRequest.newBuilder().setTenantId(t).setApiId(api.id())
                .build())));
      }
    }

    Set<TenantState.Grant> haveGrants = new HashSet<>(before.grants());
    for (TenantState.Grant g : want.grants()) {
      if (!haveGrants.contains(g)) {
        grants.add(new Plan.Change('+', "grant", t + " " + g.app() + " -> " + g.api(),
            a -> a.createGrant(CreateGrantRequest.newBuilder().setGrant(grant(t, g)).build())));
      }
    }
    for (TenantState.Grant g : before.grants()) {
      if (!want.grants().contains(g)) {
        removals.add(new Plan.Change('-', "grant", t + " " + g.app() + " -> " + g.api(),
            a -> a.revokeGrant(RevokeGrantRequest.newBuilder().setGrant(grant(t, g)).build())));
      }
    }

    Map<String, TenantState.Authorization> haveAuth =
        byKey(before.authorizations(), TenantState.Authorization::id);
    for (TenantState.Authorization z : want.authorizations()) {
      TenantState.Authorization old = haveAuth.get(z.id());
      if (old == null && spentIds.contains(z.id())) {
        notes.add("authorization " + t + "/" + z.id() + ": that id belongs to a revoked or"
            + " expired authorization; give the new one another id: not created");
      } else if (old == null) {
        authorizations.add(new Plan.Change('+', "authorization", t + "/" + z.id() + ": "
            + z.granteeApp() + " may call " + z.apis() + until(z), a -> a.createAuthorization(
                create(t, z))));
      } else if (!sameTerms(old, z)) {
        notes.add("authorization " + t + "/" + z.id() + ": its terms differ at the gateway and"
            + " cannot change in place (revoke it by leaving it out, and add one with a new id):"
            + " kept");
      }
    }
    Set<String> wantAuth = want.authorizations().stream().map(TenantState.Authorization::id)
        .collect(Collectors.toSet());
    for (TenantState.Authorization z : before.authorizations()) {
      if (!wantAuth.contains(z.id())) {
        removals.add(new Plan.Change('-', "authorization", t + "/" + z.id() + ": "
            + z.granteeApp() + " may call " + z.apis(), a -> a.revokeAuthorization(
                RevokeAuthorizationRequest.newBuilder().setGrantorTenantId(t)
                    .setAuthorizationId(z.id()).build())));
      }
    }
  }

  private static boolean sameTerms(TenantState.Authorization a, TenantState.Authorization b) {
    return a.granteeApp().equals(b.granteeApp()) && new HashSet<>(a.apis()).equals(
        new HashSet<>(b.apis())) && java.util.Objects.equals(a.expiresAt(), b.expiresAt());
  }

  private static CreateAuthorizationRequest create(String t, TenantState.Authorization z) {
    CreateAuthorizationRequest.Builder b = CreateAuthorizationRequest.newBuilder().setId(z.id())
        .setGrantorTenantId(t).setGranteeAppId(z.granteeApp()).addAllApiIds(z.apis());
    if (z.expiresAt() != null) {
      b.setExpiresAt(ServerState.timestamp(z.expiresAt()));
    }
    return b.build();
  }

  private static String until(TenantState.Authorization z) {
    return z.expiresAt() == null ? "" : " until " + z.expiresAt();
  }

  private static Grant grant(String t, TenantState.Grant g) {
    return Grant.newBuilder().setTenantId(t).setAppId(g.app()).setApiId(g.api()).build();
  }

  private static String describe(TenantState.Api api) {
    return api.domain() + " /" + api.method() + " -> " + api.backend() + " (auth " + api.auth()
        + (api.preAuthMaxMessageBytes() > 0 ? ", first message <= " + api.preAuthMaxMessageBytes()
            + " B" : "") + ")";
  }

  private static <T> Map<String, T> byKey(List<T> items, Function<T, String> key) {
    return items.stream().collect(Collectors.toMap(key, Function.identity()));
  }
}

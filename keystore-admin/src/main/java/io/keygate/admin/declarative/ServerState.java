package io.keygate.admin.declarative;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.AuthMode;
import io.keygate.proto.admin.v1.Authorization;
import io.keygate.proto.admin.v1.ListAllowancesRequest;
import io.keygate.proto.admin.v1.ListAllowancesResponse;
import io.keygate.proto.admin.v1.ListApisRequest;
import io.keygate.proto.admin.v1.ListAppsRequest;
import io.keygate.proto.admin.v1.ListAuthorizationsRequest;
import io.keygate.proto.admin.v1.ListGrantsRequest;
import io.keygate.proto.admin.v1.ListTenantsRequest;
import io.keygate.proto.admin.v1.Tenant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what the gateway holds, through the admin API, in the shape of {@link TenantState}: the
 * other side of every plan, and what {@code export} writes. Only live authorizations count.
 */
public final class ServerState {
  private final AdminServiceBlockingStub admin;
  /** Null when the caller may not list tenants (a tenant-admin): every named tenant exists. */
  private final Map<String, String> tenantNames;

  private ServerState(AdminServiceBlockingStub admin, Map<String, String> tenantNames) {
    this.admin = admin;
    this.tenantNames = tenantNames;
  }

  public static ServerState of(AdminServiceBlockingStub admin) {
    Map<String, String> names = new LinkedHashMap<>();
    try {
      for (Tenant t : admin.listTenants(ListTenantsRequest.getDefaultInstance()).getTenantsList()) {
        names.put(t.getId(), t.getName());
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.PERMISSION_DENIED) {
        throw e;
      }
      names = null;
    }
    return new ServerState(admin, names);
  }

  /** The tenants the caller may list (all, for an officer or an auditor). */
  public List<String> tenantIds() {
    return tenantNames == null ? List.of() : List.copyOf(tenantNames.keySet());
  }

  /** Whether tenant names are known (false for a tenant-admin, who cannot list tenants). */
  boolean knowsTenants() {
    return tenantNames != null;
  }

  /**
   * The tenant as the gateway holds it, or empty if it does not exist. {@code nameIfUnknown}
   * stands in for the name when the caller may not list tenants.
   */
  public Optional<TenantState> tenant(String id, String nameIfUnknown) {
    String name;
    if (tenantNames == null) {
      name = nameIfUnknown;
    } else if (tenantNames.containsKey(id)) {
      name = tenantNames.get(id);
    } else {
      return Optional.empty();
    }
    ListAllowancesResponse allowances =
        admin.listAllowances(ListAllowancesRequest.newBuilder().setTenantId(id).build());
    List<TenantState.Authorization> granted = new ArrayList<>();
    for (Authorization a : admin.listAuthorizations(
        ListAuthorizationsRequest.newBuilder().setTenantId(id).build()).getGrantedList()) {
      if (a.getLive()) {
        granted.add(authorization(a));
      }
    }
    return Optional.of(new TenantState(id, name,
        admin.listApps(ListAppsRequest.newBuilder().setTenantId(id).build()).getAppsList().stream()
            .map(a -> new TenantState.App(a.getId(), a.getName())).toList(),
        allowances.getDomainsList().stream().map(d -> d.getDomain()).toList(),
        allowances.getBackendsList().stream().map(b -> new TenantState.Backend(
            b.getBackendTarget(), b.getAllowUnauthenticated())).toList(),
        admin.listApis(ListApisRequest.newBuilder().setTenantId(id).build()).getApisList().stream()
            .map(ServerState::api).toList(),
        admin.listGrants(ListGrantsRequest.newBuilder().setTenantId(id).build()).getGrantsList()
            .stream().map(g -> new TenantState.Grant(g.getAppId(), g.getApiId())).toList(),
        granted));
  }

  /** Ids of authorizations the tenant granted that are no longer live (their ids stay taken). */
  List<String> spentAuthorizationIds(String tenantId) {
    return admin.listAuthorizations(ListAuthorizationsRequest.newBuilder().setTenantId(tenantId)
            .build()).getGrantedList().stream()
        .filter(a -> !a.getLive()).map(Authorization::getId).toList();
  }

  static TenantState.Api api(Api a) {
    return new TenantState.Api(a.getId(), a.getDomain(), a.getMethodName(), a.getBackendTarget(),
        a.getAuthMode() == AuthMode.NONE ? "none" : "signature", a.getPreauthMaxMessageBytes());
  }

  static Api api(String tenantId, TenantState.Api a) {
    return Api.newBuilder().setId(a.id()).setTenantId(tenantId).setDomain(a.domain())
        .setMethodName(a.method()).setBackendTarget(a.backend())
        .setAuthMode(a.auth().equals("none") ? AuthMode.NONE : AuthMode.SIGNATURE)
        .setPreauthMaxMessageBytes(a.preAuthMaxMessageBytes()).build();
  }

  private static TenantState.Authorization authorization(Authorization a) {
    Instant expires = a.hasExpiresAt()
        ? Instant.ofEpochSecond(a.getExpiresAt().getSeconds(), a.getExpiresAt().getNanos())
        : null;
    return new TenantState.Authorization(a.getId(), a.getGranteeAppId(), a.getApiIdsList(),
        expires);
  }

  static Timestamp timestamp(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }
}

package io.keygate.gateway.admin.api;

import io.keygate.gateway.admin.access.AdminAction;
import io.keygate.gateway.admin.access.AdminPolicy;
import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.credentials.CredentialLifecycle;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.keygate.gateway.audit.AuditLog;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.config.SignatureRequirementStore;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.payload.PayloadKeyStore;
import java.time.Clock;
import io.keygate.hsm.KekId;
import io.keygate.hsm.PayloadKeys;
import java.util.List;
import java.util.Optional;

/**
 * The admin API's gRPC service ({@code keygate.admin.v1.AdminService}), bound from its groups of
 * RPCs by job: {@link TenancyRpcs}, {@link CredentialRpcs}, {@link ApiRpcs}, {@link ControlRpcs}.
 * In each, every RPC names its {@link AdminAction}, the tenant the request acts in (what the
 * policy checks), its audit target and what of the result the audit log keeps, and hands the work
 * to {@link AdminOperations} (or a narrower collaborator); {@link AdminCalls} authorizes, audits
 * and answers every one of them the same way. One service on the wire, as before.
 */
public final class AdminService implements BindableService {
  private final List<AdminRpcs> groups;

  AdminService(List<AdminRpcs> groups) {
    this.groups = List.copyOf(groups);
  }

  /**
   * The service with its collaborators.
   *
   * @param store the config store (tenant-scoped reads and writes)
   * @param issuer makes new credentials (in the HSM, wrapped, on a node with a key hierarchy)
   * @param principals who may use the admin API, and as what; read on every call
   * @param audit records every call, allowed or denied; if it fails, the call fails
   * @param auditReading how AuditTail, AuditQuery and AuditVerify read and verify the log, e.g.
   *     {@link AuditReading#over} on the config database's audit chain and signed heads
   * @param keyControl dual control and TLS keys ({@link KeyControl#create})
   * @param payloadKeys each API's payload encryption policy (since admin API 1.8)
   * @param signatures tenants' and APIs' signature version requirements (since admin API 1.10)
   * @param payloadHsm makes payload keys under {@code payloadKek} (since 1.9; either empty: none)
   * @param clock for expiries, credential states and audit times
   * @param onConfigChanged run after each successful configuration write, e.g. a wrapper around
   *     {@code SnapshotRefresher.refreshNow()}; what it throws is logged, not returned
   */
  public static AdminService create(
      ConfigStore store,
      CredentialIssuer issuer,
      AdminPrincipals principals,
      AuditLog audit,
      AuditReading auditReading,
      KeyControl keyControl, PayloadKeyStore payloadKeys, SignatureRequirementStore signatures,
      Optional<PayloadKeys> payloadHsm, Optional<KekId> payloadKek,
      Clock clock,
      Runnable onConfigChanged) {
    CredentialLifecycle lifecycle = new CredentialLifecycle(issuer, store, clock);
    AdminCalls calls = new AdminCalls(principals, new AdminPolicy(), audit, clock, onConfigChanged);
    AdminOperations ops = new AdminOperations(store, lifecycle, principals, auditReading,
        keyControl, new EncryptionPolicies(payloadKeys), new SignatureRequirementsAdmin(signatures),
        new PayloadKeyOperations(payloadKeys, payloadHsm, payloadKek, clock), clock);
    return new AdminService(List.of(
        new TenancyRpcs(calls, ops),
        new CredentialRpcs(calls, ops, new BulkCredentials(issuer)),
        new ApiRpcs(calls, ops, new BackendTlsOperations(store, keyControl)),
        new ControlRpcs(calls, ops, keyControl)));
  }

  /** @throws IllegalStateException if a group left an RPC of the service without a handler */
  @Override
  public ServerServiceDefinition bindService() {
    AdminRpcTable table = new AdminRpcTable();
    for (AdminRpcs group : groups) {
      group.bindTo(table);
    }
    return table.build();
  }
}


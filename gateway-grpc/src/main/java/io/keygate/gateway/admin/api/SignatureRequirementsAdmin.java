package io.keygate.gateway.admin.api;

import io.keygate.gateway.config.SignatureRequirementStore;
import io.keygate.gateway.model.SignatureRequirement;
import io.keygate.gateway.model.SignatureRequirements;
import io.keygate.gateway.store.StoreException;
import io.keygate.proto.admin.v1.Api;
import io.keygate.proto.admin.v1.SignatureRequirementState;
import java.time.Instant;
import java.util.Objects;

/**
 * Signature version requirements in the admin API (since 1.10): a tenant's default or an API's
 * own, set by SetSignatureRequirement; the requirement in force added to every API a reply shows.
 */
final class SignatureRequirementsAdmin {
  private final SignatureRequirementStore store;

  SignatureRequirementsAdmin(SignatureRequirementStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** The requirement a request names; an unset or unknown one is refused, nothing stored. */
  static SignatureRequirement requested(io.keygate.proto.admin.v1.SignatureRequirement requested)
      throws AdminException {
    return switch (requested) {
      case SIGNATURE_V1_OR_V2 -> SignatureRequirement.V1_OR_V2;
      case SIGNATURE_V2_REQUIRED -> SignatureRequirement.V2;
      case SIGNATURE_REQUIREMENT_UNSPECIFIED, UNRECOGNIZED ->
          throw AdminException.invalid("requirement is SIGNATURE_V1_OR_V2 or SIGNATURE_V2_REQUIRED");
    };
  }

  /** Sets the tenant's default and answers the state. */
  SignatureRequirementState setTenantDefault(String tenantId, SignatureRequirement requirement,
      Instant now) throws StoreException {
    store.setTenantDefault(tenantId, requirement, now);
    SignatureRequirement stored = store.all().tenantDefault(tenantId);
    return SignatureRequirementState.newBuilder()
        .setTenantId(tenantId)
        .setTenantDefault(proto(stored))
        .setEffective(proto(stored))
        .build();
  }

  /** Sets the API's own requirement (an API the caller's tenant-scoped read found). */
  SignatureRequirementState setApiRequirement(String tenantId, String apiId,
      SignatureRequirement requirement, Instant now) throws StoreException {
    store.setApiRequirement(apiId, requirement, now);
    SignatureRequirements all = store.all();
    SignatureRequirement tenant = all.tenantDefault(tenantId);
    SignatureRequirement own =
        all.apiRequirements().getOrDefault(apiId, SignatureRequirement.V1_OR_V2);
    return SignatureRequirementState.newBuilder()
        .setTenantId(tenantId)
        .setApiId(apiId)
        .setTenantDefault(proto(tenant))
        .setApiRequirement(proto(own))
        .setEffective(proto(tenant.stricter(own)))
        .build();
  }

  /** The API with the requirement in force for its calls. */
  Api shown(Api api) throws StoreException {
    return shown(api, store.all());
  }

  static Api shown(Api api, SignatureRequirements all) {
    SignatureRequirement inForce = all.tenantDefault(api.getTenantId()).stricter(
        all.apiRequirements().getOrDefault(api.getId(), SignatureRequirement.V1_OR_V2));
    return api.toBuilder().setSignatureRequirement(proto(inForce)).build();
  }

  SignatureRequirements all() throws StoreException {
    return store.all();
  }

  private static io.keygate.proto.admin.v1.SignatureRequirement proto(SignatureRequirement r) {
    return switch (r) {
      case V1_OR_V2 -> io.keygate.proto.admin.v1.SignatureRequirement.SIGNATURE_V1_OR_V2;
      case V2 -> io.keygate.proto.admin.v1.SignatureRequirement.SIGNATURE_V2_REQUIRED;
    };
  }
}

package io.keygate.gateway.model;

import java.util.Map;

/**
 * Every tenant's default and every API's own {@link SignatureRequirement} (schema V15), as a
 * snapshot holds them: only those stricter than {@link SignatureRequirement#V1_OR_V2} are present.
 *
 * @param tenantDefaults by tenant id
 * @param apiRequirements by API id
 */
public record SignatureRequirements(
    Map<String, SignatureRequirement> tenantDefaults,
    Map<String, SignatureRequirement> apiRequirements) {

  /** Nothing required anywhere: every API accepts version 1 or 2. */
  public static final SignatureRequirements NONE = new SignatureRequirements(Map.of(), Map.of());

  public SignatureRequirements {
    tenantDefaults = Map.copyOf(tenantDefaults);
    apiRequirements = Map.copyOf(apiRequirements);
  }

  /** What calls of the API must meet: the stricter of its own requirement and its tenant's. */
  public SignatureRequirement inForce(ApiDefinition api) {
    if (tenantDefaults.isEmpty() && apiRequirements.isEmpty()) {
      return SignatureRequirement.V1_OR_V2; // the common case costs no lookup
    }
    return tenantDefault(api.tenantId()).stricter(
        apiRequirements.getOrDefault(api.id(), SignatureRequirement.V1_OR_V2));
  }

  /** The tenant's default ({@link SignatureRequirement#V1_OR_V2} when none was set). */
  public SignatureRequirement tenantDefault(String tenantId) {
    return tenantDefaults.getOrDefault(tenantId, SignatureRequirement.V1_OR_V2);
  }
}

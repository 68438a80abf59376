package io.keygate.gateway.config;

import io.keygate.gateway.model.SignatureRequirement;
import io.keygate.gateway.model.SignatureRequirements;
import io.keygate.gateway.store.StoreException;
import java.time.Instant;

/**
 * The tenants' default and the APIs' own signature version requirements, as stored (migration
 * V15). Each write is a config version that every node's snapshot follows within its poll.
 * Implemented by the JDBC store.
 */
public interface SignatureRequirementStore {

  /** Every requirement stricter than version 1 or 2. */
  SignatureRequirements all() throws StoreException;

  /**
   * Sets a tenant's default, the floor for all of its APIs.
   *
   * @throws io.keygate.gateway.store.StoreNotFoundException if there is no such tenant
   */
  void setTenantDefault(String tenantId, SignatureRequirement requirement, Instant now)
      throws StoreException;

  /**
   * Sets an API's own requirement.
   *
   * @throws io.keygate.gateway.store.StoreNotFoundException if there is no such API
   */
  void setApiRequirement(String apiId, SignatureRequirement requirement, Instant now)
      throws StoreException;
}

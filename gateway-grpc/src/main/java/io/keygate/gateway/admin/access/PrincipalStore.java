package io.keygate.gateway.admin.access;

import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import java.util.List;
import java.util.Optional;

/**
 * Where the admin principals are kept: which certificate identity holds which admin role. Not part
 * of the gateway snapshot: every call reads and writes the rows themselves, so a change takes
 * effect at once on every node.
 */
public interface PrincipalStore {

  /**
   * Stores a mapping as given (its creation time set).
   *
   * @throws StoreConflictException DUPLICATE if the identity is already mapped, UNKNOWN_REFERENCE if
   *     a tenant-admin's tenant does not exist
   */
  void insert(AdminPrincipal principal) throws StoreException;

  /** @return false if the identity was not mapped */
  boolean delete(IdentityMatch identity) throws StoreException;

  /** The mapping of exactly this identity (subject or fingerprint), if any. */
  Optional<AdminPrincipal> find(IdentityMatch identity) throws StoreException;

  /** Every mapping, ordered by identity kind and value. */
  List<AdminPrincipal> list() throws StoreException;
}

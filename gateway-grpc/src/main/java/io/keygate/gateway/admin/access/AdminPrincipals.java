package io.keygate.gateway.admin.access;

import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.StoreNotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which client-certificate identity holds which admin role, kept in a {@link PrincipalStore}.
 * Read on every admin call, so a removal takes effect at once on every node. Errors are the
 * store's exception types, so one mapping serves both.
 */
public final class AdminPrincipals {
  private final PrincipalStore store;
  private final Clock clock;

  /**
   * @param store the principals table, e.g. {@code ConfigDatabase.principals()}
   * @param clock stamps {@code created_at}
   */
  public AdminPrincipals(PrincipalStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Stores a mapping and returns it with its creation time.
   *
   * @throws StoreConflictException DUPLICATE if the identity is already mapped (remove it first:
   *     a role change is two audited steps), UNKNOWN_REFERENCE if a tenant-admin's tenant does
   *     not exist
   */
  public AdminPrincipal add(AdminPrincipal principal) throws StoreException {
    Instant now = Instant.ofEpochMilli(clock.millis());
    AdminPrincipal stamped =
        new AdminPrincipal(principal.identity(), principal.role(), principal.tenantId(), now);
    store.insert(stamped);
    return stamped;
  }

  /** @throws StoreNotFoundException if the identity is not mapped */
  public void remove(IdentityMatch identity) throws StoreException {
    if (!store.delete(identity)) {
      throw new StoreNotFoundException("no admin principal " + identity);
    }
  }

  /** Whether {@code identity} is mapped as a security-officer and no other identity is. */
  public boolean isLastOfficer(IdentityMatch identity) throws StoreException {
    List<AdminPrincipal> officers =
        list().stream().filter(p -> p.role() == AdminRole.SECURITY_OFFICER).toList();
    return officers.size() == 1 && officers.get(0).identity().equals(identity);
  }

  /** The mapping of exactly this identity (subject or fingerprint), if any. */
  public Optional<AdminPrincipal> find(IdentityMatch identity) throws StoreException {
    return store.find(identity);
  }

  /**
   * The principal a caller acts as. The certificate's fingerprint wins over its subject: pinning
   * one certificate is the more specific statement (e.g. an auditor's subject with one certificate
   * mapped as officer). Except that nothing takes the officer role away from a subject mapped as
   * security-officer: otherwise one officer could demote another alone, by mapping the other's
   * certificate fingerprint (which is no secret) as an auditor. Taking the role is dual control's
   * RemoveSecurityOfficer.
   */
  public Optional<AdminPrincipal> find(AdminIdentity caller) throws StoreException {
    Optional<AdminPrincipal> pinned = store.find(caller.sha256());
    if (caller.subject() == null) {
      return pinned;
    }
    if (pinned.isPresent() && pinned.get().role() == AdminRole.SECURITY_OFFICER) {
      return pinned;
    }
    Optional<AdminPrincipal> bySubject = store.find(caller.subject());
    if (pinned.isPresent()
        && !bySubject.filter(p -> p.role() == AdminRole.SECURITY_OFFICER).isPresent()) {
      return pinned;
    }
    return bySubject;
  }

  /** Every mapping, ordered by kind and identity. */
  public List<AdminPrincipal> list() throws StoreException {
    return store.list();
  }
}

package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.store.StoreException;

import io.keygate.gateway.store.jdbc.ConfigRows.Scope;
import java.sql.Connection;
import java.sql.SQLException;

/** Loads a whole {@link ConfigSnapshot}: every row, as one {@link ConsistentRead consistent cut}. */
final class SnapshotLoader {
  private final ConsistentRead consistent;

  SnapshotLoader(ConsistentRead consistent) {
    this.consistent = consistent;
  }

  ConfigSnapshot load() throws StoreException {
    return consistent.read("loadSnapshot", SnapshotLoader::readAll);
  }

  private static ConfigSnapshot readAll(Connection c, long version) throws SQLException {
    Scope all = Scope.all(); // one for the whole read: rows share their ids' strings
    return new ConfigSnapshot(
        version,
        ConfigRows.tenants(c, all),
        ConfigRows.apps(c, all),
        ConfigRows.apis(c, all),
        ConfigRows.credentials(c, all),
        ConfigRows.grants(c, all),
        ConfigRows.authorizationsGranted(c, all),
        BackendTlsRows.all(c),
        PayloadRows.all(c),
        SignatureRequirementRows.all(c));
  }
}

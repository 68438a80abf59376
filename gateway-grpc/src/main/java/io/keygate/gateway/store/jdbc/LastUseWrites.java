package io.keygate.gateway.store.jdbc;

import static io.keygate.gateway.store.jdbc.SqlStatements.batch;

import io.keygate.gateway.model.IdRules;
import io.keygate.gateway.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Credentials' last-use times: bookkeeping for officers (is this key still used?), not
 * configuration. A node reports every key its calls used since its last report, thousands at a
 * time under load, so they go in one transaction of JDBC batches rather than a commit each, and
 * without a version bump, so no node reloads for them.
 */
final class LastUseWrites {
  private static final String UPDATE = "UPDATE credentials SET last_used = ?"
      + " WHERE access_key = ? AND (last_used IS NULL OR last_used < ?)";

  private final JdbcTransactions tx;

  LastUseWrites(JdbcTransactions tx) {
    this.tx = tx;
  }

  /**
   * Records each key's time unless the store holds a later one (a slower node may report late);
   * unknown keys change nothing. All or none: one transaction.
   */
  void record(Map<String, Instant> lastUses) throws StoreException {
    // In the keys' order: nodes writing overlapping keys at once lock the rows in the same order,
    // so they cannot deadlock on one another.
    List<Object[]> rows = new ArrayList<>(lastUses.size());
    for (Map.Entry<String, Instant> use : new TreeMap<>(lastUses).entrySet()) {
      IdRules.id("access key", use.getKey());
      Instant when = Objects.requireNonNull(use.getValue(), "when");
      rows.add(new Object[] {when, use.getKey(), when});
    }
    if (rows.isEmpty()) {
      return;
    }
    tx.unversioned("recordLastUses (" + rows.size() + " keys)", c -> {
      batch(c, UPDATE, rows);
      return null;
    });
  }
}

package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.admin.access.QuorumHistory;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The single row of {@code officer_quorum} (migration V5). Written once with a plain insert under
 * a fixed primary key: two nodes recording at the same moment leave one row, the first.
 */
public final class JdbcQuorumHistory implements QuorumHistory {
  private final DataSource dataSource;

  public JdbcQuorumHistory(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public Optional<Instant> reachedAt() throws StoreException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT reached_at FROM officer_quorum WHERE id = 1");
        ResultSet rs = s.executeQuery()) {
      return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
    } catch (SQLException e) {
      throw JdbcTransactions.translate("read officer quorum", e);
    }
  }

  @Override
  public void recordReached(Instant at, int officers, int required) throws StoreException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("INSERT INTO officer_quorum"
            + " (id, reached_at, officers, required) VALUES (1, ?, ?, ?)")) {
      s.setLong(1, at.toEpochMilli());
      s.setInt(2, officers);
      s.setInt(3, required);
      s.executeUpdate();
    } catch (SQLException e) {
      StoreException translated = JdbcTransactions.translate("record officer quorum", e);
      if (translated instanceof StoreConflictException conflict
          && conflict.kind() == StoreConflictException.Kind.DUPLICATE) {
        return; // recorded before, by this node or another: the first record stands
      }
      throw translated;
    }
  }
}

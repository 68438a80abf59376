package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.audit.SignedHead;
import io.keygate.gateway.audit.SignedHeads;
import io.keygate.gateway.audit.StoredSignedHead;
import io.keygate.gateway.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** The signed heads in table {@code audit_signed_heads} (migration V2), seq the primary key. */
public final class JdbcSignedHeads implements SignedHeads {
  private static final String COLUMNS = "seq, hash, signature, signed_at, key_label";

  private final AuditJdbc jdbc;

  public JdbcSignedHeads(DataSource dataSource) {
    this.jdbc = new AuditJdbc(Objects.requireNonNull(dataSource, "dataSource"));
  }

  @Override
  public Optional<StoredSignedHead> latest() throws StoreException {
    return jdbc.read("read audit_signed_heads", c -> {
      try (PreparedStatement s = c.prepareStatement(
              "SELECT " + COLUMNS + " FROM audit_signed_heads ORDER BY seq DESC LIMIT 1");
          ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    });
  }

  @Override
  public List<StoredSignedHead> after(long afterSeq, int limit) throws StoreException {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    return jdbc.read("read audit_signed_heads", c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
          + " FROM audit_signed_heads WHERE seq > ? ORDER BY seq LIMIT " + limit)) {
        s.setLong(1, afterSeq);
        List<StoredSignedHead> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            out.add(row(rs));
          }
        }
        return out;
      }
    });
  }

  @Override
  public boolean addIfAbsent(SignedHead h) throws StoreException {
    return jdbc.inTransaction("store signed head", c -> {
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO audit_signed_heads (" + COLUMNS + ") VALUES (?,?,?,?,?)")) {
        s.setLong(1, h.seq());
        s.setString(2, h.hash());
        s.setString(3, h.signature());
        s.setLong(4, h.signedAt().toEpochMilli());
        s.setString(5, h.keyLabel().value());
        s.executeUpdate();
        return true;
      } catch (SQLException e) {
        if (AuditJdbc.isDuplicateKey(e)) {
          return false;
        }
        throw e;
      }
    });
  }

  private static StoredSignedHead row(ResultSet rs) throws SQLException {
    return new StoredSignedHead(
        rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5));
  }
}

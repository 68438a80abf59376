package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.approval.ApprovalRecords;
import io.keygate.gateway.approval.ApprovalState;
import io.keygate.gateway.approval.ApprovalVote;
import io.keygate.gateway.approval.DualControlOperation;
import io.keygate.gateway.approval.DualControlRequest;
import io.keygate.gateway.approval.Officer;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.tls.TlsListener;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The dual-control tables ({@code approval_requests}, {@code approval_votes}, migration V4).
 * Every state change is an UPDATE guarded by the state column and every vote an insert under a
 * primary key, so nodes racing on one request agree without locks.
 */
public final class JdbcApprovalRecords implements ApprovalRecords {
  private static final String COLUMNS = "id, operation, operation_subject, listener, reason,"
      + " requested_by, requested_by_actor, requested_at, expires_at, required_approvals, state,"
      + " outcome, decided_at, certificate_sha256";

  private final DataSource dataSource;

  public JdbcApprovalRecords(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  @Override
  public void insert(DualControlRequest r) throws StoreException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO approval_requests ("
            + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          s.setString(1, r.id());
          s.setString(2, r.operation().kind());
          s.setString(3, r.operation().subject());
          if (r.operation() instanceof DualControlOperation.ActivateTlsKey tls) {
            s.setString(4, tls.listener().wireName());
            s.setString(14, tls.certificateSha256());
          } else {
            s.setNull(4, Types.VARCHAR);
            s.setNull(14, Types.VARCHAR);
          }
          s.setString(5, r.reason());
          s.setString(6, r.requestedBy().principal());
          s.setString(7, r.requestedBy().actor());
          s.setLong(8, r.requestedAt().toEpochMilli());
          s.setLong(9, r.expiresAt().toEpochMilli());
          s.setInt(10, r.requiredApprovals());
          s.setString(11, r.state().name());
          s.setNull(12, Types.VARCHAR);
          s.setNull(13, Types.BIGINT);
          s.executeUpdate();
        }
        for (ApprovalVote v : r.votes()) {
          insertVote(c, r.id(), v);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw JdbcTransactions.translate("insert approval request " + r.id(), e);
    }
  }

  @Override
  public boolean addVote(String requestId, ApprovalVote vote) throws StoreException {
    try (Connection c = dataSource.getConnection()) {
      insertVote(c, requestId, vote);
      return true;
    } catch (SQLException e) {
      StoreException translated = JdbcTransactions.translate("vote on " + requestId, e);
      if (translated instanceof StoreConflictException conflict
          && conflict.kind() == StoreConflictException.Kind.DUPLICATE) {
        return false;
      }
      throw translated;
    }
  }

  @Override
  public boolean start(String requestId, Instant now) throws StoreException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE approval_requests"
            + " SET state = 'RUNNING', decided_at = ? WHERE id = ? AND state = 'PENDING'"
            + " AND expires_at > ?")) {
      s.setLong(1, now.toEpochMilli());
      s.setString(2, requestId);
      s.setLong(3, now.toEpochMilli());
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw JdbcTransactions.translate("start " + requestId, e);
    }
  }

  @Override
  public boolean transition(
      String requestId, ApprovalState from, ApprovalState to, String outcome, Instant at)
      throws StoreException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE approval_requests"
            + " SET state = ?, outcome = ?, decided_at = ? WHERE id = ? AND state = ?")) {
      s.setString(1, to.name());
      if (outcome == null) {
        s.setNull(2, Types.VARCHAR);
      } else {
        s.setString(2, outcome.length() > 300 ? outcome.substring(0, 300) : outcome);
      }
      s.setLong(3, at.toEpochMilli());
      s.setString(4, requestId);
      s.setString(5, from.name());
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw JdbcTransactions.translate("move " + requestId + " to " + to, e);
    }
  }

  @Override
  public Optional<DualControlRequest> find(String requestId) throws StoreException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT " + COLUMNS + " FROM approval_requests WHERE id = ?")) {
      s.setString(1, requestId);
      List<DualControlRequest> found = read(c, s);
      return found.stream().findFirst();
    } catch (SQLException e) {
      throw JdbcTransactions.translate("find approval request", e);
    }
  }

  @Override
  public List<DualControlRequest> list(boolean includeClosed, int limit)
      throws StoreException {
    String where = includeClosed ? "" : " WHERE state IN ('PENDING', 'RUNNING')";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM approval_requests"
            + where + " ORDER BY requested_at DESC, id")) {
      s.setMaxRows(limit);
      return read(c, s);
    } catch (SQLException e) {
      throw JdbcTransactions.translate("list approval requests", e);
    }
  }

  private static void insertVote(Connection c, String requestId, ApprovalVote v)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO approval_votes"
        + " (request_id, officer, certificate_subject, actor, approved_at) VALUES (?, ?, ?, ?, ?)")) {
      s.setString(1, requestId);
      s.setString(2, v.officer().principal());
      s.setString(3, v.officer().certificateSubject());
      s.setString(4, v.officer().actor());
      s.setLong(5, v.approvedAt().toEpochMilli());
      s.executeUpdate();
    }
  }

  private static List<DualControlRequest> read(Connection c, PreparedStatement s)
      throws SQLException, StoreException {
    List<DualControlRequest> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        String id = rs.getString(1);
        long decided = rs.getLong(13);
        boolean undecided = rs.wasNull();
        out.add(new DualControlRequest(
            id,
            operation(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(14)),
            rs.getString(5),
            new Officer(rs.getString(6), null, rs.getString(7)),
            Instant.ofEpochMilli(rs.getLong(8)),
            Instant.ofEpochMilli(rs.getLong(9)),
            rs.getInt(10),
            List.of(),
            state(rs.getString(11)),
            rs.getString(12),
            undecided ? null : Instant.ofEpochMilli(decided)));
      }
    }
    List<DualControlRequest> withVotes = new ArrayList<>(out.size());
    for (DualControlRequest r : out) {
      // Oldest first, the requester's first even when a clock gives two votes the same millis.
      List<ApprovalVote> votes = new ArrayList<>(votes(c, r.id()));
      votes.sort(Comparator.comparing(
              (ApprovalVote v) -> !v.officer().principal().equals(r.requestedBy().principal()))
          .thenComparing(ApprovalVote::approvedAt));
      withVotes.add(new DualControlRequest(r.id(), r.operation(), r.reason(), r.requestedBy(),
          r.requestedAt(), r.expiresAt(), r.requiredApprovals(), votes, r.state(),
          r.outcome(), r.decidedAt()));
    }
    return withVotes;
  }

  private static List<ApprovalVote> votes(Connection c, String requestId) throws SQLException {
    List<ApprovalVote> votes = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT officer, certificate_subject, actor,"
        + " approved_at FROM approval_votes WHERE request_id = ? ORDER BY approved_at, officer")) {
      s.setString(1, requestId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          votes.add(new ApprovalVote(
              new Officer(rs.getString(1), rs.getString(2), rs.getString(3)),
              Instant.ofEpochMilli(rs.getLong(4))));
        }
      }
    }
    return votes;
  }

  private static ApprovalState state(String stored) throws StoreException {
    try {
      return ApprovalState.valueOf(stored);
    } catch (IllegalArgumentException e) {
      throw new StoreException("approval_requests has an unknown state", e);
    }
  }

  // The CHECK constraints allow only these; anything else was written by hand.
  private static DualControlOperation operation(
      String kind, String subject, String listener, String certificateSha256)
      throws StoreException {
    try {
      return switch (kind) {
        case "destroy-key" -> new DualControlOperation.DestroyKey(KeyLabel.of(subject));
        case "revoke-tenant-credentials" ->
            new DualControlOperation.RevokeTenantCredentials(subject);
        case "activate-tls-key" -> new DualControlOperation.ActivateTlsKey(
            TlsListener.fromWireName(listener).orElseThrow(), KeyLabel.of(subject),
            certificateSha256);
        case "add-officer" -> new DualControlOperation.AddSecurityOfficer(subject);
        case "remove-officer" -> new DualControlOperation.RemoveSecurityOfficer(subject, false);
        case "remove-officer-below-m" ->
            new DualControlOperation.RemoveSecurityOfficer(subject, true);
        case "rewrap-credentials" -> DualControlOperation.RewrapCredentials.parse(subject);
        case "destroy-kek" -> new DualControlOperation.DestroyKek(KekId.of(subject));
        default -> throw new IllegalArgumentException(kind);
      };
    } catch (RuntimeException e) {
      throw new StoreException("approval_requests has an unreadable operation", e);
    }
  }
}

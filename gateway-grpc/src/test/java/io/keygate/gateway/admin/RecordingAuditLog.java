package io.keygate.gateway.admin;

import io.keygate.gateway.audit.AuditEvent;
import io.keygate.gateway.audit.AuditException;
import io.keygate.gateway.audit.AuditLog;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** An in-memory audit log that keeps every event, and can be told to fail like a dead database. */
public final class RecordingAuditLog implements AuditLog {
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  final AtomicBoolean failing = new AtomicBoolean();

  @Override
  public void record(AuditEvent event) throws AuditException {
    if (failing.get()) {
      throw new AuditException("audit store unavailable (test)");
    }
    events.add(event);
  }

  List<AuditEvent> events() {
    return List.copyOf(events);
  }

  /** A position to read new events from: {@code since(mark())}. */
  int mark() {
    return events.size();
  }

  List<AuditEvent> since(int mark) {
    return List.copyOf(events.subList(mark, events.size()));
  }

  public AuditEvent last() {
    return events.get(events.size() - 1);
  }
}

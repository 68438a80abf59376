package io.keygate.admin.declarative;

import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import java.util.List;

/**
 * What {@code apply} will do, in the order it does it: every change a line of a diff ({@code +}
 * added, {@code ~} changed, {@code -} removed), and notes on what differs but is left alone.
 */
public record Plan(List<Change> changes, List<String> notes) {
  public Plan {
    changes = List.copyOf(changes);
    notes = List.copyOf(notes);
  }

  /** One admin API call. */
  public record Change(char sign, String kind, String what, Call call) {
    public String line() {
      return sign + " " + kind + " " + what;
    }
  }

  @FunctionalInterface
  public interface Call {
    void run(AdminServiceBlockingStub admin);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }
}

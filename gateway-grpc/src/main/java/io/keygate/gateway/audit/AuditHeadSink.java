package io.keygate.gateway.audit;

import java.util.stream.Stream;

/**
 * Where signed heads are exported outside the database, so that deleting records together with
 * their signed heads and resetting {@code audit_head} (all of which write access to the database
 * allows) still leaves a trace that {@link AuditVerifier} compares against.
 */
public interface AuditHeadSink {
  /** Exports nothing, reads nothing: the database alone (the pre-v2 behaviour, for tests). */
  AuditHeadSink NONE =
      new AuditHeadSink() {
        @Override
        public void export(SignedHead head) {}

        @Override
        public Stream<String> lines() {
          return Stream.empty();
        }

        @Override
        public String name() {
          return "no sink";
        }
      };

  /** Makes {@code head} durable in the sink before returning, or throws. */
  void export(SignedHead head) throws AuditException;

  /** Every line written so far, oldest first, as stored (possibly tampered); close the stream. */
  Stream<String> lines() throws AuditException;

  /** Names the sink in findings and logs, e.g. the file's path. */
  String name();
}

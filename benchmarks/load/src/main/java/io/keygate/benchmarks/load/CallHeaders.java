package io.keygate.benchmarks.load;

import io.grpc.Metadata;

/** Where each call's request headers come from. Called from several event-loop threads at once. */
interface CallHeaders {
  /** Headers for calls to an API in auth mode none: nothing to add. */
  CallHeaders NONE = Metadata::new;

  /** The headers of the next call; each value is used for exactly one call. */
  Metadata next();
}

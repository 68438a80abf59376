package io.keygate.gateway.admin.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

/** What the caller of an admin RPC received, for tests that serve a call directly. */
final class Reply<R> implements StreamObserver<R> {
  R value;
  StatusRuntimeException error;
  boolean completed;

  Status.Code status() {
    return error == null ? Status.Code.OK : error.getStatus().getCode();
  }

  @Override
  public void onNext(R value) {
    this.value = value;
  }

  @Override
  public void onError(Throwable t) {
    this.error = (StatusRuntimeException) t;
  }

  @Override
  public void onCompleted() {
    completed = true;
  }
}

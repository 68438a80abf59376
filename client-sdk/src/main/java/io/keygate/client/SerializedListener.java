package io.keygate.client;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * Enters the application's listener under one lock, whoever calls: {@link DeferredSigningCall}'s
 * early callbacks and the real call's may come from different threads, and a listener must never
 * be entered by two at once.
 */
final class SerializedListener<T> extends ClientCall.Listener<T> {
  private final ClientCall.Listener<T> delegate;
  private final Object callbackLock;

  SerializedListener(ClientCall.Listener<T> delegate, Object callbackLock) {
    this.delegate = delegate;
    this.callbackLock = callbackLock;
  }

  @Override
  public void onHeaders(Metadata headers) {
    synchronized (callbackLock) {
      delegate.onHeaders(headers);
    }
  }

  @Override
  public void onMessage(T message) {
    synchronized (callbackLock) {
      delegate.onMessage(message);
    }
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    synchronized (callbackLock) {
      delegate.onClose(status, trailers);
    }
  }

  @Override
  public void onReady() {
    synchronized (callbackLock) {
      delegate.onReady();
    }
  }
}

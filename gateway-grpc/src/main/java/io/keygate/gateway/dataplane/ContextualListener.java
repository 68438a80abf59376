package io.keygate.gateway.dataplane;

import io.grpc.Context;
import io.grpc.ServerCall;
import java.util.function.Supplier;

/** Runs every callback of a listener inside a given {@link Context} (the proxy reads it). */
final class ContextualListener<ReqT> extends ServerCall.Listener<ReqT> {
  private final Context context;
  private final ServerCall.Listener<ReqT> delegate;

  private ContextualListener(Context context, ServerCall.Listener<ReqT> delegate) {
    this.context = context;
    this.delegate = delegate;
  }

  /** Starts the delegate inside {@code context} and keeps it there for every later callback. */
  static <ReqT> ServerCall.Listener<ReqT> start(
      Context context, Supplier<ServerCall.Listener<ReqT>> starter) {
    Context previous = context.attach();
    try {
      return new ContextualListener<>(context, starter.get());
    } finally {
      context.detach(previous);
    }
  }

  private void inContext(Runnable r) {
    Context previous = context.attach();
    try {
      r.run();
    } finally {
      context.detach(previous);
    }
  }

  @Override
  public void onMessage(ReqT message) {
    inContext(() -> delegate.onMessage(message));
  }

  @Override
  public void onHalfClose() {
    inContext(delegate::onHalfClose);
  }

  @Override
  public void onCancel() {
    inContext(delegate::onCancel);
  }

  @Override
  public void onComplete() {
    inContext(delegate::onComplete);
  }

  @Override
  public void onReady() {
    inContext(delegate::onReady);
  }
}

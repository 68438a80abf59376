package io.keygate.gateway.proxy;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Messages as opaque bytes: the gateway forwards calls without knowing their schema, so it never
 * parses a message, it only copies the frame payload.
 */
public final class ByteMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  private static final ByteMarshaller INSTANCE = new ByteMarshaller();

  private ByteMarshaller() {}

  /** The marshaller; it is stateless, so one instance serves every method. */
  public static ByteMarshaller instance() {
    return INSTANCE;
  }

  /**
   * A descriptor for any method, of type {@code UNKNOWN}: the proxy cannot know whether the
   * method is unary or streaming, and {@code UNKNOWN} keeps grpc from enforcing one-message rules
   * that are the backend's business.
   *
   * <p>Not cached on purpose: method names come from callers, and a cache keyed by them would
   * grow with whatever names an attacker sends.
   */
  public static MethodDescriptor<byte[], byte[]> methodDescriptor(String fullMethodName) {
    return methodDescriptor(fullMethodName, INSTANCE);
  }

  /** As {@link #methodDescriptor(String)}, with requests read by {@code requests}. */
  public static MethodDescriptor<byte[], byte[]> methodDescriptor(
      String fullMethodName, MethodDescriptor.Marshaller<byte[]> requests) {
    return MethodDescriptor.newBuilder(requests, INSTANCE)
        .setFullMethodName(fullMethodName)
        .setType(MethodDescriptor.MethodType.UNKNOWN)
        .build();
  }

  @Override
  public InputStream stream(byte[] value) {
    return new MessageStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      if (stream instanceof KnownLength) {
        // grpc's own message streams know their length: one exact copy instead of the chunked
        // reads and final copy of readAllBytes (which matters for multi-MiB messages).
        byte[] message = new byte[stream.available()];
        int read = stream.readNBytes(message, 0, message.length);
        if (read == message.length && stream.read() < 0) {
          return message;
        }
        throw new IOException("message length differs from its announced length");
      }
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a proxied message", e);
    }
  }

  /**
   * Known length lets grpc frame the message without copying it into a scratch buffer first;
   * draining writes it in one go.
   */
  private static final class MessageStream extends ByteArrayInputStream
      implements KnownLength, Drainable {
    MessageStream(byte[] message) {
      super(message);
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }
}

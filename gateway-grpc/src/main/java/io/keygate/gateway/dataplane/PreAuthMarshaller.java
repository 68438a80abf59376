package io.keygate.gateway.dataplane;

import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.keygate.gateway.proxy.ByteMarshaller;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The gateway's request marshaller: opaque bytes like {@link ByteMarshaller}, except that while a
 * call is unauthenticated it reads at most one byte past the pre-authentication limit. A
 * compressed first message arrives small and inflates while it is read here (grpc would let it
 * grow to the listener's 16 MiB maximum): reading stops at the limit, the budget is told, and
 * the handler refuses the call. Nothing past the limit is inflated.
 */
final class PreAuthMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  private static final byte[] NOTHING = new byte[0];

  @Override
  public InputStream stream(byte[] value) {
    return ByteMarshaller.instance().stream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    // grpc parses in the call's context, where PreAuthTracing put the budget.
    PreAuthBudget budget = PreAuthBudget.KEY.get();
    if (budget == null || !budget.open()) {
      return ByteMarshaller.instance().parse(stream);
    }
    try {
      if (stream instanceof KnownLength && stream.available() <= budget.maxMessageBytes()) {
        // grpc's uncompressed message streams know their length: read exactly that, instead of
        // readNBytes' buffer of up to 8 KiB per call copied down to the message.
        byte[] message = new byte[stream.available()];
        if (stream.readNBytes(message, 0, message.length) == message.length && stream.read() < 0) {
          return message;
        }
        throw new IOException("message length differs from its announced length");
      }
      byte[] message = stream.readNBytes(budget.maxMessageBytes() + 1);
      if (message.length > budget.maxMessageBytes()) {
        budget.inflatedPastLimit();
        return NOTHING;
      }
      return message;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a proxied message", e);
    }
  }
}

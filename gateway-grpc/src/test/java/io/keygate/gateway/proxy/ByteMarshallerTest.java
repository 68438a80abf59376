package io.keygate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ByteMarshallerTest {
  private final ByteMarshaller marshaller = ByteMarshaller.instance();

  @Test
  void stream_announcesItsLength_andDrainsInOneWrite() throws Exception {
    InputStream stream = marshaller.stream(new byte[] {1, 2, 3});

    assertThat(stream).isInstanceOf(KnownLength.class).isInstanceOf(Drainable.class);
    assertThat(stream.available()).isEqualTo(3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(((Drainable) stream).drainTo(out)).isEqualTo(3);
    assertThat(out.toByteArray()).containsExactly(1, 2, 3);
    assertThat(stream.read()).isEqualTo(-1);
  }

  @Test
  void parse_readsKnownLengthAndPlainStreams() {
    byte[] message = new byte[70_000];
    message[69_999] = 7;

    assertThat(marshaller.parse(marshaller.stream(message))).isEqualTo(message);
    assertThat(marshaller.parse(new ByteArrayInputStream(message))).isEqualTo(message);
  }

  @Test
  void methodDescriptor_isUnknownTyped_soGrpcEnforcesNoMessageCounts() {
    MethodDescriptor<byte[], byte[]> method = ByteMarshaller.methodDescriptor("pkg.Svc/Call");

    assertThat(method.getType()).isEqualTo(MethodDescriptor.MethodType.UNKNOWN);
    assertThat(method.getFullMethodName()).isEqualTo("pkg.Svc/Call");
    assertThat(method.getServiceName()).isEqualTo("pkg.Svc");
  }
}

package io.keygate.proto.demo.v1;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

/** Proves the generated messages and stubs work together over a real (in-process) gRPC call. */
class EchoStubTest {

  @Test
  void generatedStubs_roundTripAUnaryCall() throws Exception {
    String name = InProcessServerBuilder.generateName();
    Server server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new EchoServiceGrpc.EchoServiceImplBase() {
                  @Override
                  public void echo(EchoRequest request, StreamObserver<EchoResponse> out) {
                    out.onNext(
                        EchoResponse.newBuilder()
                            .setMessage(request.getMessage())
                            .setBackend("test")
                            .build());
                    out.onCompleted();
                  }
                })
            .build()
            .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      EchoResponse response =
          EchoServiceGrpc.newBlockingStub(channel)
              .echo(EchoRequest.newBuilder().setMessage("hello").build());
      assertThat(response.getMessage()).isEqualTo("hello");
      assertThat(response.getBackend()).isEqualTo("test");
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }
}

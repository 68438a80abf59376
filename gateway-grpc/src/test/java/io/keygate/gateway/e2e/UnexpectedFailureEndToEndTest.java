package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoServiceGrpc;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A bug inside the data plane is the gateway's fault, not the caller's: the caller gets INTERNAL
 * with the stable code and a request id, never the exception's text; the log gets the stack
 * trace under that request id; the gateway keeps serving.
 */
class UnexpectedFailureEndToEndTest extends GatewayEndToEnd {

  @Test
  void anUnexpectedException_isInternal_loggedWithStackTraceAndRequestId() throws Exception {
    Logger log = Logger.getLogger("io.keygate.gateway.dataplane");
    LinkedBlockingQueue<LogRecord> records = new LinkedBlockingQueue<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        records.add(record);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(capture);
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    gw.configBroken.set(true);
    StatusRuntimeException refused;
    try {
      refused = catchThrowableOfType(StatusRuntimeException.class, () ->
          EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey))
              .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(
                  new AtomicReference<>(), trailers))
              .withDeadlineAfter(10, TimeUnit.SECONDS)
              .echo(EchoRequest.newBuilder().setMessage("hello").build()));
    } finally {
      gw.configBroken.set(false);
      log.removeHandler(capture);
    }

    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(refused.getStatus().getDescription()).isEqualTo("internal error");
    String requestId = refused.getTrailers().get(ErrorReplies.REQUEST_ID);
    assertThat(refused.getTrailers().get(ErrorReplies.ERROR_CODE)).isEqualTo("InternalError");
    assertThat(requestId).isNotBlank();
    LogRecord logged = records.poll(10, TimeUnit.SECONDS);
    assertThat(logged).isNotNull();
    assertThat(logged.getMessage()).contains("request=" + requestId);
    assertThat(logged.getThrown())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a bug in reading the snapshot");
    assertThat(logged.getThrown().getStackTrace()).isNotEmpty();

    assertThat(EchoServiceGrpc.newBlockingStub(gw.signedChannel(gw.acmeKey))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .echo(EchoRequest.newBuilder().setMessage("still serving").build())
            .getMessage())
        .isEqualTo("still serving");
  }
}

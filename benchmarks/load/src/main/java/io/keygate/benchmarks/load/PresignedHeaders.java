package io.keygate.benchmarks.load;

import io.grpc.Metadata;
import io.keygate.client.XcaSignature;
import io.keygate.client.XcaSigner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The X-Ca headers of signature-mode calls, signed before the timed loop starts so the client's
 * signing work does not compete with the proxy for the CPU while it is measured.
 *
 * <p>Each call needs a fresh nonce, so a pool holds one complete header set per call, signed with
 * the client SDK's {@link XcaSigner} (current time, 128-bit random nonce) for the exact
 * {@code :authority} the channel sends. With several credentials the pool takes them in turn
 * (round-robin), so the calls spread evenly over every key and consecutive calls use different
 * keys: the gateway's per-key state (unwrapped-key cache, replay store) sees all of them at
 * once. Signers that sign every message (version 2) also give each call its end marker. The pool
 * is sized from the highest throughput seen so far (see {@link LoadBench}); the timestamps stay
 * valid for the gateway's 5-minute window, far longer than a run. Should a run outgrow its pool anyway, further calls are signed inline and counted, and
 * the report flags the run.
 */
final class PresignedHeaders implements CallHeaders {
  private final List<XcaSigner> signers;
  private final String authority;
  private final byte[] body;
  private final Map<String, Metadata.Key<String>> keys = new HashMap<>();
  private final Call[] pool;
  private final AtomicInteger next = new AtomicInteger();
  private final LongAdder signedInline = new LongAdder();
  private final long signingNanos;

  private PresignedHeaders(List<XcaSigner> signers, String authority, byte[] body, int count) {
    this.signers = signers;
    this.authority = authority;
    this.body = body;
    this.pool = new Call[count];
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      pool[i] = sign(i);
    }
    this.signingNanos = System.nanoTime() - start;
  }

  /** Signs {@code count} calls of {@code body} to {@code authority} now, the signers in turn. */
  static PresignedHeaders sign(List<XcaSigner> signers, String authority, byte[] body, int count) {
    return new PresignedHeaders(List.copyOf(signers), authority, body, count);
  }

  @Override
  public Call next() {
    int i = next.getAndIncrement();
    if (i < pool.length) {
      Call headers = pool[i];
      pool[i] = null; // used once; let it go
      return headers;
    }
    signedInline.increment();
    return sign(i);
  }

  private Call sign(int call) {
    XcaSigner signer = signers.get(Math.floorMod(call, signers.size()));
    XcaSignature signature = signer.sign("/" + LoadCall.ECHO.getFullMethodName(), authority, body);
    Metadata headers = new Metadata();
    signature.headers().forEach((name, value) -> headers.put(key(name), value));
    return new Call(headers,
        signer.signsEveryMessage() ? signer.envelopes(signature).end() : null);
  }

  private Metadata.Key<String> key(String name) {
    synchronized (keys) {
      return keys.computeIfAbsent(name, n -> Metadata.Key.of(n, Metadata.ASCII_STRING_MARSHALLER));
    }
  }

  int presigned() {
    return pool.length;
  }

  long signedInline() {
    return signedInline.sum();
  }

  /** How long signing the pool took (outside any timed window). */
  long signingNanos() {
    return signingNanos;
  }
}

package io.keygate.demo.backend;

/**
 * Which threads run the Echo handlers. They never block, so the event loop that read a call can
 * answer it at once ({@link #LOOP}); {@link #POOL} hands every call to grpc's default cached pool
 * and back, as a backend whose handlers may block must. On a small machine shared with a gateway
 * and a load generator, the pool's threads (dozens under load, a time slice each per call) compete
 * for the cores with everything else: docs/benchmarks.md measured what that does to a proxy's
 * figures.
 */
public enum HandlerThreads {
  LOOP,
  POOL
}

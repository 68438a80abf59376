package io.keygate.benchmarks.footprint;

import io.keygate.gateway.auth.InMemoryNonceStore;
import io.keygate.gateway.auth.NonceStoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;
import org.openjdk.jol.info.GraphLayout;

/**
 * The heap one recorded nonce costs in {@link InMemoryNonceStore}: the store filled with entries
 * shaped as the gateway records them, then measured two ways.
 *
 * <ul>
 *   <li>JOL walks the store's object graph and sizes every object in it (exact for this JVM's
 *       layout; prints the histogram by class) at {@code --sample} entries;
 *   <li>the used heap after full collections, before and after filling, at {@code --entries}
 *       (the node's default capacity unless given): what the node actually pays, JOL's own
 *       bookkeeping aside.
 * </ul>
 *
 * <p>Shape: each AccessKey and nonce is a String of its own, as the gateway reads them from each
 * call's headers (a 22-character AccessKey, "AK" and 20 characters, from a pool of {@code --keys};
 * a 36-character UUID nonce); the tenant id is one shared String per tenant, as the configuration
 * snapshot hands it over; every expiry is distinct. The clock stands still, so nothing expires
 * while the store fills.
 *
 * <p>Run: {@code java -Xmx2g -Djdk.attach.allowAttachSelf=true -cp benchmarks/target/benchmarks.jar
 * io.keygate.benchmarks.footprint.NonceStoreFootprint [--entries N] [--sample N] [--keys N]
 * [--tenants N]} (JOL attaches its agent to size records; without the property it fails on
 * them). Not a test and not timed: a measurement, reported in docs/operations.md.
 */
public final class NonceStoreFootprint {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final long WINDOW_MILLIS = 300_000;

  private final int keys;
  private final int tenants;

  private NonceStoreFootprint(int keys, int tenants) {
    this.keys = keys;
    this.tenants = tenants;
  }

  public static void main(String[] args) throws Exception {
    int entries = 1_000_000;
    int sample = 100_000;
    int keys = 1_000;
    int tenants = 10;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      int value = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--entries" -> entries = value;
        case "--sample" -> sample = value;
        case "--keys" -> keys = value;
        case "--tenants" -> tenants = value;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    new NonceStoreFootprint(keys, tenants).report(entries, sample);
  }

  private void report(int entries, int sample) throws NonceStoreUnavailableException {
    System.out.printf(Locale.ROOT, "%s %s, max heap %d MiB; %d AccessKeys in %d tenants%n",
        System.getProperty("java.vm.name"), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, keys, tenants);

    GraphLayout layout = GraphLayout.parseInstance(filled(sample));
    System.out.printf(Locale.ROOT, "%n== JOL, %d entries: %d bytes, %.1f bytes per entry%n",
        sample, layout.totalSize(), (double) layout.totalSize() / sample);
    System.out.println(layout.toFootprint());
    layout = null; // let the collections below reclaim JOL's graph

    HeapInUse heap = new HeapInUse();
    long before = heap.bytes();
    InMemoryNonceStore store = filled(entries);
    long after = heap.bytes();
    System.out.printf(Locale.ROOT,
        "== Used heap after full GC, %d entries: %d bytes (%.1f MiB), %.1f bytes per entry"
            + " (store size %d)%n",
        entries, after - before, (after - before) / 1048576.0, (double) (after - before) / entries,
        store.size());
  }

  private InMemoryNonceStore filled(int entries) throws NonceStoreUnavailableException {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    // Shares as large as the store: they decide who may add, not what an entry costs.
    InMemoryNonceStore store = new InMemoryNonceStore(clock, entries, entries, entries);
    byte[][] accessKeys = new byte[keys][];
    String[] tenantIds = new String[tenants];
    for (int k = 0; k < keys; k++) {
      accessKeys[k] = String.format(Locale.ROOT, "AK%020d", k).getBytes(StandardCharsets.US_ASCII);
    }
    for (int t = 0; t < tenants; t++) {
      tenantIds[t] = "tenant-" + t;
    }
    for (int i = 0; i < entries; i++) {
      int k = i % keys;
      // new String(bytes): a String and a byte[] of its own, as a header value read per call.
      String accessKey = new String(accessKeys[k], StandardCharsets.US_ASCII);
      String nonce = UUID.randomUUID().toString();
      Instant expiry = NOW.plusMillis(WINDOW_MILLIS + i % WINDOW_MILLIS);
      if (!store.recordIfFirstSeen(tenantIds[k % tenants], accessKey, nonce, expiry)) {
        throw new IllegalStateException("a random UUID repeated");
      }
    }
    return store;
  }
}

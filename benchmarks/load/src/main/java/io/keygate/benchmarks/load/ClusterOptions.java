package io.keygate.benchmarks.load;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@link ClusterBench} was asked for; benchmarks/cluster/run.sh passes them. */
record ClusterOptions(
    InetSocketAddress target,
    String authority,
    Path trust,
    Path credentials,
    Shape shape,
    Optional<Double> rate,
    int warmupSeconds,
    int seconds,
    int reportEverySeconds,
    String fault,
    long faultPid,
    String faultServer,
    int faultAtSeconds,
    Optional<InetSocketAddress> haproxyStats,
    String haproxyBackend,
    Optional<Path> revoke,
    Optional<Path> grant,
    List<InetSocketAddress> nodes,
    Optional<String> dbUrl,
    String dbUser,
    Optional<Path> dbPasswordFile,
    String tenant,
    Map<String, Long> watch) {

  static final String USAGE = """
      usage: ClusterBench --target HOST:PORT --trust CERT.pem --credentials FILE [options]
        --target HOST:PORT        where calls go (the L4 balancer), over TLS
        --authority NAME          :authority and TLS name of the calls (default signature.localhost)
        --trust FILE              PEM certificate(s) the client trusts (the nodes' TLS certificate)
        --credentials FILE        AccessKeys and secrets the calls are signed with, in turn
        --shape CxM               connections x calls in flight on each (default 4x8)
        --rate N                  calls/s at most, spaced evenly (default: as fast as they end)
        --warmup N                untimed seconds first (default 3)
        --seconds N               timed seconds (default 20)
        --report-every N          a line every N seconds: calls, errors, p50/p99, watched pids
        --fault KIND              none, kill (SIGKILL), drain (SIGTERM), revoke or grant
                                  (default none)
        --pid PID                 kill/drain: the node process
        --server NAME             kill/drain: its name in haproxy's backend
        --at N                    seconds into the timed window when the fault happens (default 5)
        --haproxy-stats HOST:PORT haproxy's stats socket (connections and check status)
        --haproxy-backend NAME    the backend in haproxy's config (default gateways)
        --revoke FILE             revoke: credentials to revoke one after another
        --grant FILE              grant: credentials whose app's grant is removed, then given
                                  again, one after another
        --nodes H:P,H:P,...       revoke, grant: every node, called directly
        --db-url URL --db-user U --db-password-file F   revoke, grant: the config store
        --tenant ID               revoke, grant: the credentials' tenant (default bench)
        --watch NAME=PID,...      processes whose RSS, open files and threads each line shows""";

  static ClusterOptions parse(String... args) {
    Map<String, String> v = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i]);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      v.put(args[i].substring(2), args[i + 1]);
    }
    List<String> known = List.of("target", "authority", "trust", "credentials", "shape", "rate",
        "warmup", "seconds", "report-every", "fault", "pid", "server", "at", "haproxy-stats",
        "haproxy-backend", "revoke", "grant", "nodes", "db-url", "db-user", "db-password-file",
        "tenant", "watch");
    for (String k : v.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("unknown option --" + k);
      }
    }
    for (String required : List.of("target", "trust", "credentials")) {
      if (!v.containsKey(required)) {
        throw new IllegalArgumentException("--" + required + " is required");
      }
    }
    String fault = v.getOrDefault("fault", "none");
    if (!List.of("none", "kill", "drain", "revoke", "grant").contains(fault)) {
      throw new IllegalArgumentException("--fault is none, kill, drain, revoke or grant, not "
          + fault);
    }
    if ((fault.equals("kill") || fault.equals("drain"))
        && !(v.containsKey("pid") && v.containsKey("server") && v.containsKey("haproxy-stats"))) {
      throw new IllegalArgumentException("--fault " + fault + " needs --pid, --server, --haproxy-stats");
    }
    if ((fault.equals("revoke") || fault.equals("grant")) && !(v.containsKey(fault)
        && v.containsKey("nodes") && v.containsKey("db-url"))) {
      throw new IllegalArgumentException("--fault " + fault + " needs --" + fault
          + ", --nodes, --db-url");
    }
    List<InetSocketAddress> nodes = new ArrayList<>();
    if (v.containsKey("nodes")) {
      for (String n : v.get("nodes").split(",")) {
        nodes.add(address("--nodes", n));
      }
    }
    Map<String, Long> watch = new LinkedHashMap<>();
    if (v.containsKey("watch")) {
      for (String w : v.get("watch").split(",")) {
        int eq = w.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("--watch takes NAME=PID, not " + w);
        }
        watch.put(w.substring(0, eq), (long) number("--watch", w.substring(eq + 1)));
      }
    }
    int seconds = number("--seconds", v.getOrDefault("seconds", "20"));
    return new ClusterOptions(
        address("--target", v.get("target")),
        v.getOrDefault("authority", ProvisionKeygate.SIGNATURE_DOMAIN),
        Path.of(v.get("trust")),
        Path.of(v.get("credentials")),
        Shape.parse(v.getOrDefault("shape", "4x8")),
        Optional.ofNullable(v.get("rate")).map(Double::parseDouble),
        number("--warmup", v.getOrDefault("warmup", "3")),
        seconds,
        number("--report-every", v.getOrDefault("report-every", Integer.toString(seconds))),
        fault,
        v.containsKey("pid") ? number("--pid", v.get("pid")) : 0,
        v.getOrDefault("server", ""),
        number("--at", v.getOrDefault("at", "5")),
        Optional.ofNullable(v.get("haproxy-stats")).map(a -> address("--haproxy-stats", a)),
        v.getOrDefault("haproxy-backend", "gateways"),
        Optional.ofNullable(v.get("revoke")).map(Path::of),
        Optional.ofNullable(v.get("grant")).map(Path::of),
        List.copyOf(nodes),
        Optional.ofNullable(v.get("db-url")),
        v.getOrDefault("db-user", ""),
        Optional.ofNullable(v.get("db-password-file")).map(Path::of),
        v.getOrDefault("tenant", "bench"),
        watch);
  }

  private static InetSocketAddress address(String option, String value) {
    int colon = value.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException(option + " takes HOST:PORT, not " + value);
    }
    return InetSocketAddress.createUnresolved(value.substring(0, colon),
        number(option, value.substring(colon + 1)));
  }

  private static int number(String option, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new IllegalArgumentException(option + " must be a whole number, not '" + value + "'");
  }
}

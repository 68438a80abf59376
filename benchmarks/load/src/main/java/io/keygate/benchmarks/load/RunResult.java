package io.keygate.benchmarks.load;

import java.util.Locale;

/**
 * One timed window of one target in one shape. Per-call figures divide by the successful calls
 * of the window: errors make nothing look cheaper.
 *
 * @param target the target's name; {@value #PROBE_LOADED} for the probe run, whose {@code calls}
 *     are those of the saturating load and {@code probe} those of the probe
 * @param seconds the window's length, measured
 * @param proxyCpuMicros CPU (user + system) of the target's process tree during the window
 * @param proxyContextSwitches voluntary + involuntary context switches of its threads
 * @param proxyRunQueueMicros time its threads were ready to run and waited for a core
 * @param proxyPeakRssKib the target's process tree's peak resident memory since it started
 *     (VmHWM, summed over the tree), read at the end of the window
 * @param backendCpuMicros CPU of the target's backend process (for the backend itself: its own)
 * @param clientCpuMicros this load generator's CPU, all threads
 * @param presigned requests signed before the run (signature mode)
 * @param signedInline requests signed inside the run because the pool ran out
 * @param stuckSlots slots whose last call had not completed 10 s after the window closed
 */
record RunResult(
    int round,
    String target,
    Shape shape,
    double seconds,
    CallTally.Summary calls,
    double proxyCpuMicros,
    long proxyContextSwitches,
    double proxyRunQueueMicros,
    long proxyPeakRssKib,
    double backendCpuMicros,
    double clientCpuMicros,
    long presigned,
    long signedInline,
    long stuckSlots,
    CallTally.Summary probe) {

  static final String PROBE_LOADED = "probe-loaded";

  /**
   * The name of the loaded run of probe target {@code probe}: {@value #PROBE_LOADED} for
   * Keygate's (as in earlier TSVs), {@code <probe>-loaded} for any other.
   */
  static String probeLoaded(String probe) {
    return probe.equals(LoadBench.PROBE) ? PROBE_LOADED : probe + "-loaded";
  }

  double proxyPeakRssMib() {
    return proxyPeakRssKib / 1024.0;
  }

  double callsPerSecond() {
    return calls.ok() / seconds;
  }

  double proxyCpuPerCall() {
    return perCall(proxyCpuMicros);
  }

  double contextSwitchesPerCall() {
    return perCall(proxyContextSwitches);
  }

  double runQueuePerCall() {
    return perCall(proxyRunQueueMicros);
  }

  double backendCpuPerCall() {
    return perCall(backendCpuMicros);
  }

  double clientCpuPerCall() {
    return perCall(clientCpuMicros);
  }

  /** Something a reader must know before trusting the figures of this run. */
  boolean flawed() {
    return calls.errorCount() > 0 || signedInline > 0 || stuckSlots > 0
        || (probe != null && probe.errorCount() > 0);
  }

  private double perCall(double total) {
    return calls.ok() == 0 ? Double.NaN : total / calls.ok();
  }

  String describe() {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "%-22s %-5s %9.0f calls/s  p50 %6.0f  p99 %6.0f  p99.9 %6.0f µs  proxy %6.1f µs/call"
            + "  %5.2f ctxsw/call  runq %6.1f µs/call  peak RSS %4.0f MiB",
        target, shape, callsPerSecond(), calls.p50(), calls.p99(), calls.p999(), proxyCpuPerCall(),
        contextSwitchesPerCall(), runQueuePerCall(), proxyPeakRssMib()));
    s.append(String.format(Locale.ROOT, "  backend %5.1f  client %5.1f", backendCpuPerCall(),
        clientCpuPerCall()));
    if (probe != null) {
      s.append(String.format(Locale.ROOT, "  | probe 1x1 p50 %6.0f  p99 %6.0f µs (%d calls)",
          probe.p50(), probe.p99(), probe.ok()));
    }
    if (calls.errorCount() > 0) {
      s.append("  ERRORS ").append(calls.errors());
    }
    if (probe != null && probe.errorCount() > 0) {
      s.append("  PROBE ERRORS ").append(probe.errors());
    }
    if (signedInline > 0) {
      s.append("  SIGNED INLINE ").append(signedInline).append(" of ").append(presigned + signedInline);
    }
    if (stuckSlots > 0) {
      s.append("  STUCK ").append(stuckSlots);
    }
    return s.toString();
  }

  static String tsvHeader() {
    return String.join("\t", "round", "target", "shape", "seconds", "ok", "errors", "calls_per_s",
        "p50_us", "p99_us", "p999_us", "proxy_cpu_us_per_call", "ctxsw_per_call", "proxy_peak_rss_kib",
        "backend_cpu_us_per_call", "client_cpu_us_per_call", "presigned", "signed_inline",
        "stuck_slots", "probe_ok", "probe_errors", "probe_p50_us", "probe_p99_us",
        "proxy_runq_us_per_call");
  }

  String tsv() {
    return String.join("\t", Integer.toString(round), target, shape.toString(),
        num(seconds), Long.toString(calls.ok()), calls.errors().toString().replace(' ', '_'),
        num(callsPerSecond()), num(calls.p50()), num(calls.p99()), num(calls.p999()),
        num(proxyCpuPerCall()), num(contextSwitchesPerCall()), Long.toString(proxyPeakRssKib),
        num(backendCpuPerCall()),
        num(clientCpuPerCall()), Long.toString(presigned), Long.toString(signedInline),
        Long.toString(stuckSlots),
        probe == null ? "" : Long.toString(probe.ok()),
        probe == null ? "" : probe.errors().toString().replace(' ', '_'),
        probe == null ? "" : num(probe.p50()), probe == null ? "" : num(probe.p99()),
        num(runQueuePerCall()));
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}

package io.keygate.gateway.audit;

import io.keygate.gateway.audit.VerificationReport.Kind;
import io.keygate.gateway.audit.VerificationReport.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The problems a verification found, one per (kind, first seq, last seq): several checks may notice
 * the same thing (a forged last record breaks the link and lies beyond the audit head), and the
 * first, most specific description wins.
 */
final class Findings {
  private final Map<List<Object>, Problem> problems = new LinkedHashMap<>();

  void add(Kind kind, long seq, long last, String description) {
    add(new Problem(kind, seq, last, description));
  }

  void add(Problem p) {
    problems.putIfAbsent(List.of(p.kind(), p.seq(), p.lastSeq()), p);
  }

  /** By seq, then kind (in the order {@link Kind} lists them). */
  List<Problem> sorted() {
    List<Problem> out = new ArrayList<>(problems.values());
    out.sort(Comparator.comparingLong(Problem::seq).thenComparing(Problem::kind));
    return out;
  }

  /** "record 5 is" or "records 5..7 are", for descriptions. */
  static String range(long first, long last) {
    return first == last ? "record " + first + " is" : "records " + first + ".." + last + " are";
  }
}

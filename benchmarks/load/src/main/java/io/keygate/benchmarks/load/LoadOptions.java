package io.keygate.benchmarks.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What {@link LoadBench} was asked for; run.sh passes them. */
record LoadOptions(
    Path targets,
    String secrets,
    int rounds,
    int warmupSeconds,
    int seconds,
    int initialWarmupSeconds,
    List<Shape> shapes,
    int requestBytes,
    int signatureVersion,
    long clockTicks,
    Optional<Path> out) {

  static final String USAGE = """
      usage: LoadBench --targets FILE [options]
        --targets FILE          one target a line:
                                name host:port authority none|signature pid backend-pid [credentials]
                                (credentials: a file of AccessKeys and secrets, signature only)
        --secrets KIND          how the gateway keeps the secrets (wrapped, token), for the
                                report only (default: not stated)
        --rounds N              rounds; each drives every target in every shape once (default 3)
        --seconds N             timed seconds per run (default 10)
        --warmup N              untimed seconds before each run's window (default 2)
        --initial-warmup N      seconds per target before round 1 (default 5)
        --shapes LIST           CONNECTIONSxIN_FLIGHT, comma-separated (default 1x1,4x16)
        --request-bytes N       serialized size of each EchoRequest (default 256)
        --signature-version N   1 (default) or 2: signed calls also send the end marker
        --clock-ticks N         USER_HZ of /proc/PID/stat (getconf CLK_TCK; default 100)
        --out FILE              write every run as a TSV line here""";

  static LoadOptions parse(String... args) {
    Path targets = null;
    String secrets = "";
    int rounds = 3;
    int warmup = 2;
    int seconds = 10;
    int initialWarmup = 5;
    List<Shape> shapes = List.of(new Shape(1, 1), new Shape(4, 16));
    int requestBytes = LoadCall.REQUEST_BYTES;
    int signatureVersion = 1;
    long clockTicks = 100;
    Optional<Path> out = Optional.empty();
    for (int i = 0; i < args.length; i += 2) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[i + 1];
      switch (option) {
        case "--targets" -> targets = Path.of(value);
        case "--secrets" -> secrets = value;
        case "--rounds" -> rounds = positive(option, value);
        case "--seconds" -> seconds = positive(option, value);
        case "--warmup" -> warmup = atLeastZero(option, value);
        case "--initial-warmup" -> initialWarmup = atLeastZero(option, value);
        case "--shapes" -> shapes = shapes(value);
        case "--request-bytes" -> requestBytes = positive(option, value);
        case "--signature-version" -> signatureVersion = signatureVersion(value);
        case "--clock-ticks" -> clockTicks = positive(option, value);
        case "--out" -> out = Optional.of(Path.of(value));
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    if (targets == null) {
      throw new IllegalArgumentException("--targets is required");
    }
    return new LoadOptions(targets, secrets, rounds, warmup, seconds, initialWarmup, shapes,
        requestBytes, signatureVersion, clockTicks, out);
  }

  /** The shape with the most calls in flight: the one that saturates. */
  Shape heaviestShape() {
    Shape heaviest = shapes.get(0);
    for (Shape s : shapes) {
      if (s.connections() * s.inFlight() > heaviest.connections() * heaviest.inFlight()) {
        heaviest = s;
      }
    }
    return heaviest;
  }

  private static List<Shape> shapes(String value) {
    List<Shape> shapes = new ArrayList<>();
    for (String s : value.split(",")) {
      shapes.add(Shape.parse(s.strip()));
    }
    return List.copyOf(shapes);
  }

  private static int signatureVersion(String value) {
    return switch (value) {
      case "1" -> 1;
      case "2" -> 2;
      default -> throw new IllegalArgumentException(
          "--signature-version is 1 or 2, not '" + value + "'");
    };
  }

  private static int positive(String option, String value) {
    int n = atLeastZero(option, value);
    if (n == 0) {
      throw new IllegalArgumentException(option + " must be at least 1");
    }
    return n;
  }

  private static int atLeastZero(String option, String value) {
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

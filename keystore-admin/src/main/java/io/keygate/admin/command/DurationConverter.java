package io.keygate.admin.command;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/**
 * Durations as officers type them: {@code 0}, {@code 90s}, {@code 15m}, {@code 12h}, {@code 7d}
 * (also combined, {@code 1d12h}), or ISO-8601 ({@code PT36H}, {@code P7D}).
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  private static final Pattern SHORT =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("0")) {
      return Duration.ZERO;
    }
    if (v.startsWith("p")) {
      try {
        return nonNegative(Duration.parse(v.toUpperCase(Locale.ROOT)), value);
      } catch (DateTimeParseException e) {
        throw invalid(value);
      }
    }
    Matcher m = SHORT.matcher(v);
    if (v.isEmpty() || !m.matches()) {
      throw invalid(value);
    }
    try {
      Duration d = Duration.ZERO;
      d = d.plusDays(number(m.group(1)));
      d = d.plusHours(number(m.group(2)));
      d = d.plusMinutes(number(m.group(3)));
      return d.plusSeconds(number(m.group(4)));
    } catch (ArithmeticException | NumberFormatException tooLarge) {
      throw invalid(value);
    }
  }

  private static long number(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }

  private static Duration nonNegative(Duration d, String value) {
    if (d.isNegative()) {
      throw invalid(value);
    }
    return d;
  }

  private static IllegalArgumentException invalid(String value) {
    return new IllegalArgumentException(
        "'" + value + "' is not a duration: use e.g. 0, 90s, 15m, 12h, 7d, 1d12h or PT36H");
  }
}

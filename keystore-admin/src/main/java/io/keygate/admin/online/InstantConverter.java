package io.keygate.admin.online;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;

/** A point in time as officers type it: {@code 2026-11-26T12:00:00Z}, or a date (midnight UTC). */
final class InstantConverter implements ITypeConverter<Instant> {
  @Override
  public Instant convert(String value) {
    String v = value.trim();
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException notAnInstant) {
      try {
        return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notADate) {
        throw new IllegalArgumentException(
            "expected a time like 2026-11-26T12:00:00Z or a date like 2026-11-26, got '"
                + value + "'");
      }
    }
  }
}

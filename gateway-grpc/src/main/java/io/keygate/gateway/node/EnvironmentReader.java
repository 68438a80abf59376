package io.keygate.gateway.node;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code KEYGATE_*} variables into typed values, each failure a {@link SettingsException}
 * naming the variable: never a NumberFormatException or an index out of bounds from a value an
 * operator mistyped.
 */
final class EnvironmentReader {
  private final Map<String, String> env;

  EnvironmentReader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  boolean has(String name) {
    return optional(name).isPresent();
  }

  Optional<String> optional(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  String required(String name) throws SettingsException {
    return optional(name).orElseThrow(() -> new SettingsException(name, "not set"));
  }

  String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  /** {@code host:port} or {@code [ipv6]:port}; port 0 picks a free one. */
  InetSocketAddress address(String name, String defaultValue) throws SettingsException {
    return address(name, Optional.of(string(name, defaultValue)));
  }

  InetSocketAddress requiredAddress(String name) throws SettingsException {
    return address(name, Optional.of(required(name)));
  }

  private static InetSocketAddress address(String name, Optional<String> raw)
      throws SettingsException {
    String value = raw.orElseThrow();
    String host;
    String port;
    if (value.startsWith("[")) {
      int close = value.indexOf("]:");
      if (close < 0) {
        throw new SettingsException(name, "expected [ipv6-address]:port");
      }
      host = value.substring(1, close);
      port = value.substring(close + 2);
    } else {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || value.indexOf(':') != colon) {
        throw new SettingsException(name, "expected host:port (IPv6 as [address]:port)");
      }
      host = value.substring(0, colon);
      port = value.substring(colon + 1);
    }
    int number = integer(name, port, 0, 65_535);
    return new InetSocketAddress(host, number);
  }

  int integer(String name, int defaultValue, int min, int max) throws SettingsException {
    Optional<String> value = optional(name);
    return value.isEmpty() ? defaultValue : integer(name, value.get(), min, max);
  }

  private static int integer(String name, String value, int min, int max)
      throws SettingsException {
    if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(Character::isDigit)) {
      throw new SettingsException(name, "expected a whole number from " + min + " to " + max);
    }
    long number = Long.parseLong(value);
    if (number < min || number > max) {
      throw new SettingsException(name, "expected a whole number from " + min + " to " + max);
    }
    return (int) number;
  }

  boolean bool(String name) throws SettingsException {
    Optional<String> value = optional(name);
    if (value.isEmpty() || value.get().equals("false")) {
      return false;
    }
    if (value.get().equals("true")) {
      return true;
    }
    throw new SettingsException(name, "expected true or false");
  }

  /** An ISO-8601 duration such as {@code PT24H}, strictly positive. */
  Duration duration(String name, Duration defaultValue) throws SettingsException {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      Duration parsed = Duration.parse(value.get());
      if (parsed.isNegative() || parsed.isZero()) {
        throw new SettingsException(name, "expected a positive duration such as PT24H");
      }
      return parsed;
    } catch (DateTimeParseException e) {
      throw new SettingsException(name, "expected an ISO-8601 duration such as PT24H");
    }
  }

  Path path(String name, String defaultValue) throws SettingsException {
    try {
      return Path.of(string(name, defaultValue));
    } catch (RuntimeException e) {
      throw new SettingsException(name, "not a valid path");
    }
  }

  /** Every certificate in a PEM file the variable names; at least one. */
  List<X509Certificate> certificates(String name) throws SettingsException {
    Path file = path(name, required(name));
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      CertificateFactory.getInstance("X.509").generateCertificates(in)
          .forEach(c -> out.add((X509Certificate) c));
    } catch (IOException e) {
      throw new SettingsException(name, "cannot read the file it names: " + e.getClass().getSimpleName());
    } catch (CertificateException e) {
      throw new SettingsException(name, "the file it names holds no readable PEM certificate");
    }
    if (out.isEmpty()) {
      throw new SettingsException(name, "the file it names holds no certificate");
    }
    return out;
  }
}

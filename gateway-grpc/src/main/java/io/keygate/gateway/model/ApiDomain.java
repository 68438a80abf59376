package io.keygate.gateway.model;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What counts as a tenant's domain, and how a call's {@code :authority} is matched against one.
 *
 * <p>A domain is a lower-case DNS name (letters, digits and hyphens in dot-separated labels of
 * 1-63 characters, no label starting or ending with a hyphen, at most 253 characters), without a
 * port, a trailing dot or wildcards; a dotted IPv4 address also fits. A call matches a domain when
 * the host part of its authority, lower-cased, is exactly that name, whatever the port.
 */
public final class ApiDomain {
  private static final int MAX_LENGTH = 253;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private ApiDomain() {}

  /**
   * @return the domain, unchanged
   * @throws InvalidValueException if it is not a lower-case DNS name as above
   */
  public static String domain(String value) {
    Objects.requireNonNull(value, "domain");
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw invalid();
    }
    for (String label : value.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw invalid();
      }
    }
    return value;
  }

  /**
   * The host a call was sent to, as domains are matched: the authority lower-cased, without its
   * {@code :port}. An IPv6 literal ({@code [..]}) or an empty authority gives the empty string,
   * which is no domain.
   */
  public static String hostOf(String authority) {
    if (authority == null || authority.isEmpty() || authority.charAt(0) == '[') {
      return "";
    }
    int colon = authority.lastIndexOf(':');
    String host = colon < 0 ? authority : authority.substring(0, colon);
    return host.toLowerCase(Locale.ROOT);
  }

  private static InvalidValueException invalid() {
    return new InvalidValueException(
        "domain must be a lower-case DNS name: labels of a-z 0-9 - (1-63 characters, no hyphen"
            + " at either end) separated by dots, at most 253 characters, no port or wildcard");
  }
}

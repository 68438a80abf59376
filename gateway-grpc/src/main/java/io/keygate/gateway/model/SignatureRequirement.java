package io.keygate.gateway.model;

/**
 * Which signature versions a call must use (docs/signature-spec.md, section 13.5). Ordered from
 * the weakest to the strictest, so the requirement in force is the {@link #stricter} of a tenant's
 * default and an API's own.
 */
public enum SignatureRequirement {
  /** Version 1 or 2, as the client chooses (the default). */
  V1_OR_V2("v1-or-v2"),
  /** Version 2 only: every request message authenticated. */
  V2("v2");

  private final String text;

  SignatureRequirement(String text) {
    this.text = text;
  }

  /** Whether a call of this version meets it; {@code chained}: the call signed version 2. */
  public boolean accepts(boolean chained) {
    return chained || this == V1_OR_V2;
  }

  /** The stricter of the two. */
  public SignatureRequirement stricter(SignatureRequirement other) {
    return compareTo(other) >= 0 ? this : other;
  }

  /** The name the store and the CLI use: {@code v1-or-v2} or {@code v2}. */
  public String text() {
    return text;
  }

  /** Parses {@link #text()}. */
  public static SignatureRequirement parse(String text) {
    for (SignatureRequirement r : values()) {
      if (r.text.equals(text)) {
        return r;
      }
    }
    throw new IllegalArgumentException("a signature requirement is v1-or-v2 or v2");
  }
}

package io.keygate.admin.system;

/**
 * The people of the organisation {@link RealGateway} sets up: each has a client certificate from
 * the admin CA (made with {@code bootstrap officer-cert}) and, except mallory, a role on the admin
 * API. Two tenants exist: acme and globex.
 */
enum Person {
  /** The first security-officer, seeded through KEYGATE_FIRST_OFFICER_SHA256. */
  ALICE("alice"),
  /** A second security-officer, added by alice: the other half of dual control. */
  BOB("bob"),
  /** An auditor: reads everything, writes nothing. */
  AUDREY("audrey"),
  /** The tenant-admin of acme. */
  ACME_ADMIN("acme-admin"),
  /** The tenant-admin of globex. */
  GLOBEX_ADMIN("globex-admin"),
  /** A certificate from the right CA that no principal names. */
  MALLORY("mallory");

  private final String commonName;

  Person(String commonName) {
    this.commonName = commonName;
  }

  String commonName() {
    return commonName;
  }
}

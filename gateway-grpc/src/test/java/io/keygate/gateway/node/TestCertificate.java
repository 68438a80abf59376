package io.keygate.gateway.node;

/** A self-signed P-256 certificate (no key kept anywhere): a well-formed CA file for settings tests. */
final class TestCertificate {
  static final String PEM =
      "-----BEGIN CERTIFICATE-----\n"
          + "MIIBmDCCAT2gAwIBAgIUYVEQz8STHYixGUK6drqWjRkjEY8wCgYIKoZIzj0EAwIw\n"
          + "IDEeMBwGA1UEAwwVa2V5Z2F0ZS1zZXR0aW5ncy10ZXN0MCAXDTI2MTIwMzA5NTA1\n"
          + "MFoYDzIxMjYxMTA5MDk1MDUwWjAgMR4wHAYDVQQDDBVrZXlnYXRlLXNldHRpbmdz\n"
          + "LXRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQXl6O4qc9qtvz7/kVXfubR\n"
          + "d3rAPv9WsTR/SePwgwFBJ+fK5remYgs5YTw2qPVxCMUwfnDpT5cKEtYx3g7Pa9Bk\n"
          + "o1MwUTAdBgNVHQ4EFgQU91F4hFXFngiIU2yNqLjBk4ZduA4wHwYDVR0jBBgwFoAU\n"
          + "91F4hFXFngiIU2yNqLjBk4ZduA4wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQD\n"
          + "AgNJADBGAiEA0feoufXOXoLb5POxK8EWMak9q/mETcFfaA9lMBPohZsCIQCfaLV2\n"
          + "XfDSW085Yn7ioa2kk0Xd3+XF52gkP9fjWzY6pg==\n"
          + "-----END CERTIFICATE-----\n";

  private TestCertificate() {}
}

-- Transport security towards backends (issue 13, admin API 1.7), set by a security officer per
-- backend target. Plain SQL for H2 2.x, MariaDB 10.11 and PostgreSQL 15 (as V1: BIGINT epoch
-- milliseconds, exact-match strings).
--
-- * backend_target: the target's canonical text (as BackendTarget prints it), the key nodes look
--   a channel's policy up by. A target without a row is plaintext (h2c), as before.
-- * tls_mode: PLAINTEXT, TLS (verify the backend) or MTLS (and present the gateway's client
--   certificate). server_name is the name the backend's certificate must carry; client_key_label
--   the HSM key whose certificate the gateway presents (MTLS only): the key never leaves the HSM,
--   only its label is here. trust_anchors_pem: the CA certificates (public) a backend's chain
--   must end at, canonical PEM; 12,000 characters keep the row within MariaDB's row size.
-- * Part of the gateway snapshot: writes bump config_version and log a SHARED change, so every
--   node rebuilds the channel within its poll.
CREATE TABLE backend_tls (
  backend_target    VARCHAR(255)   NOT NULL,
  tls_mode          VARCHAR(16)    NOT NULL,
  server_name       VARCHAR(253)   NOT NULL,
  client_key_label  VARCHAR(64),
  trust_anchors_pem VARCHAR(12000) NOT NULL,
  updated_at        BIGINT         NOT NULL,
  PRIMARY KEY (backend_target),
  CONSTRAINT backend_tls_mode_check CHECK (tls_mode IN ('PLAINTEXT', 'TLS', 'MTLS')),
  CONSTRAINT backend_tls_client_key_check
    CHECK ((tls_mode = 'MTLS' AND client_key_label IS NOT NULL)
        OR (tls_mode <> 'MTLS' AND client_key_label IS NULL))
);

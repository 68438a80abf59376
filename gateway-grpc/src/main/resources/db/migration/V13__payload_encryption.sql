-- Payload encryption (issue 13, docs/payload-encryption.md): each API's policy, and the AES-256-GCM
-- keys of each of its hops, stored only wrapped under a payload KEK (keygate.pkek.<id>) of the
-- HSM. An API without a policy row is 'none'. Rows go with their API.
CREATE TABLE api_payload_policies (
  api_id     VARCHAR(64) NOT NULL,
  encryption VARCHAR(16) NOT NULL,
  updated_at BIGINT      NOT NULL,
  PRIMARY KEY (api_id),
  CONSTRAINT api_payload_policies_api_fk FOREIGN KEY (api_id) REFERENCES apis (id)
    ON DELETE CASCADE,
  CONSTRAINT api_payload_policies_check
    CHECK (encryption IN ('none', 'client', 'backend', 'both'))
);

-- hop: 'client' (the app seals, the gateway opens) or 'backend' (the gateway seals, the backend
-- opens). state: 'current' (new messages are sealed under it; one per API and hop at most) or
-- 'accepted' (rotated out, still opens). A retired key is deleted.
CREATE TABLE api_payload_keys (
  api_id      VARCHAR(64)  NOT NULL,
  hop         VARCHAR(16)  NOT NULL,
  key_id      VARCHAR(32)  NOT NULL,
  kek_id      VARCHAR(64)  NOT NULL,
  wrapped_key VARCHAR(700) NOT NULL,
  state       VARCHAR(16)  NOT NULL,
  created_at  BIGINT       NOT NULL,
  PRIMARY KEY (api_id, hop, key_id),
  CONSTRAINT api_payload_keys_api_fk FOREIGN KEY (api_id) REFERENCES apis (id) ON DELETE CASCADE,
  CONSTRAINT api_payload_keys_hop_check CHECK (hop IN ('client', 'backend')),
  CONSTRAINT api_payload_keys_state_check CHECK (state IN ('current', 'accepted'))
);

-- The key hierarchy (docs/key-hierarchy.md): a credential's AccessSecret may be kept here as a
-- blob wrapped under a key-encryption key (KEK) that never leaves the HSM, instead of as a token
-- key of its own. Both columns are set together or not at all; secret_label stays the
-- credential's key name either way. The blob is RFC 5649 (AES key wrap with padding) in base64:
-- 40 bytes for a 32-byte secret, at most 512 (684 characters).
ALTER TABLE credentials ADD COLUMN kek_id VARCHAR(32);
ALTER TABLE credentials ADD COLUMN wrapped_secret VARCHAR(700);
CREATE INDEX credentials_kek_idx ON credentials (kek_id);

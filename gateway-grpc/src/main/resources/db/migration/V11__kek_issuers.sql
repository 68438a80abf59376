-- Which KEK each node with an admin plane wraps new secrets under (KEYGATE_KEK), reported when
-- its admin plane starts and every few seconds after, withdrawn when it stops: destroying a KEK
-- (admin API 1.5, 'destroy-kek') is refused while any node reported issuing under it lately, not
-- only the node that runs the destruction. node_id is a node's random id for one run.
CREATE TABLE kek_issuers (
  node_id VARCHAR(36) NOT NULL,
  kek_id  VARCHAR(64) NOT NULL,
  seen_at BIGINT      NOT NULL,
  PRIMARY KEY (node_id)
);
CREATE INDEX kek_issuers_kek_idx ON kek_issuers (kek_id, seen_at);

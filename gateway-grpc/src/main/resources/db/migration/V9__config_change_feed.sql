-- The config change feed (issue 11): which objects each config version touched, so that a node
-- applies what changed instead of reloading every row. Plain SQL for H2, MariaDB and PostgreSQL.
--
-- * kind: 'CREDENTIAL' (subject: an access key), 'APP' (subject: an app id; the app's row and its
--   grants), 'SHARED' (subject ''; tenants, APIs and cross-tenant authorizations, which are few
--   and reread whole), 'NONE' (subject ''; a write no snapshot holds, such as an officer's
--   allowance), or 'FULL' (subject ''; a write that could not say what it touched: nodes reload
--   everything). Every version has at least one entry: a version without one was written around
--   the store (by hand, say), and nodes reload everything for it.
-- * config_version.feed_start: the feed holds every version above it. Versions written before
--   this migration are not in it, so it starts at the version of the day; writers prune old
--   entries and move it up. A node whose snapshot is older than feed_start reloads in full.
ALTER TABLE config_version ADD COLUMN feed_start BIGINT DEFAULT 0 NOT NULL;
UPDATE config_version SET feed_start = version;

CREATE TABLE config_changes (
  version BIGINT      NOT NULL,
  kind    VARCHAR(16) NOT NULL,
  subject VARCHAR(64) NOT NULL,
  PRIMARY KEY (version, kind, subject),
  CONSTRAINT config_changes_kind_check CHECK (kind IN ('CREDENTIAL', 'APP', 'SHARED', 'NONE', 'FULL'))
);

-- Removing an API names every app that had a grant on it.
CREATE INDEX grants_api_idx ON grants (api_id);

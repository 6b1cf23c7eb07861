-- Hardening (issue 17): the audit chain sealed with a key kept outside the database, and signed checkpoints of its head;
-- idempotency keys owned by a live node, and replies too large to keep in their record stored for fetching.
ALTER TABLE audit_log ADD COLUMN key_id TEXT;

CREATE TABLE audit_checkpoints (
    seq         BIGINT NOT NULL,
    node        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    key_id      TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    signature   TEXT NOT NULL,
    PRIMARY KEY (seq, node)
);

CREATE TABLE nodes (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    started_at    BIGINT NOT NULL,
    heartbeat_at  BIGINT NOT NULL
);

ALTER TABLE idempotency_records ADD COLUMN owner_node TEXT;
ALTER TABLE idempotency_records ADD COLUMN result_id TEXT;

CREATE TABLE stored_results (
    id            TEXT PRIMARY KEY,
    principal     TEXT NOT NULL,
    content_type  TEXT,
    headers       TEXT,
    length        BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE stored_result_chunks (
    result_id  TEXT NOT NULL REFERENCES stored_results(id) ON DELETE CASCADE,
    n          BIGINT NOT NULL,
    data       BYTEA NOT NULL,
    PRIMARY KEY (result_id, n)
);

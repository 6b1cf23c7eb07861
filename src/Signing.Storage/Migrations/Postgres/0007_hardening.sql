-- Hardening (issue 17): the audit chain sealed with a key kept outside the database, and signed checkpoints of its head.
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

-- Agencies, people, calling systems, API keys, the audit chain and idempotent replies.
CREATE TABLE agencies (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    province    TEXT,
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id                TEXT PRIMARY KEY,
    agency_id         TEXT NOT NULL REFERENCES agencies(id),
    username          TEXT NOT NULL UNIQUE,
    display_name      TEXT NOT NULL,
    title             TEXT,
    password_hash     TEXT,
    roles             TEXT NOT NULL,
    cert_thumbprint   TEXT UNIQUE,
    disabled_at       INTEGER,
    created_at        INTEGER NOT NULL
);

CREATE TABLE clients (
    id                TEXT PRIMARY KEY,
    agency_id         TEXT NOT NULL REFERENCES agencies(id),
    name              TEXT NOT NULL UNIQUE,
    roles             TEXT NOT NULL,
    cert_thumbprint   TEXT UNIQUE,
    disabled_at       INTEGER,
    created_at        INTEGER NOT NULL
);

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients(id),
    prefix      TEXT NOT NULL UNIQUE,
    key_hash    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY,
    at              INTEGER NOT NULL,
    actor           TEXT NOT NULL,
    agency_id       TEXT,
    action          TEXT NOT NULL,
    target          TEXT,
    outcome         TEXT NOT NULL,
    client_address  TEXT,
    details         TEXT,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_log_agency ON audit_log(agency_id, seq);

CREATE TABLE idempotency_records (
    principal       TEXT NOT NULL,
    idem_key        TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status_code     INTEGER,
    content_type    TEXT,
    headers         TEXT,
    body            BLOB,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (principal, idem_key)
);

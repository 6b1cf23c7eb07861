-- The signing keys registry: where each key lives, whose it is, and which calling systems may use it.
CREATE TABLE signing_keys (
    id               TEXT PRIMARY KEY,
    agency_id        TEXT NOT NULL REFERENCES agencies(id),
    owner_user_id    TEXT REFERENCES users(id),
    purpose          TEXT NOT NULL,
    location         TEXT NOT NULL,
    pkcs11_uri       TEXT,
    certificate      BLOB NOT NULL,
    chain_pem        TEXT,
    subject          TEXT NOT NULL,
    thumbprint       TEXT NOT NULL UNIQUE,
    not_before       INTEGER NOT NULL,
    not_after        INTEGER NOT NULL,
    disabled_at      INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE INDEX signing_keys_agency ON signing_keys(agency_id);

CREATE TABLE signing_key_grants (
    key_id      TEXT NOT NULL REFERENCES signing_keys(id),
    client_id   TEXT NOT NULL REFERENCES clients(id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (key_id, client_id)
);

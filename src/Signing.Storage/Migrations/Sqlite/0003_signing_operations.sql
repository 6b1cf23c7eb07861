-- Two-step PDF signatures waiting for an external signature (desk tokens, CSC), and CSC signature activation data.
CREATE TABLE pdf_sign_operations (
    id                 TEXT PRIMARY KEY,
    agency_id          TEXT NOT NULL REFERENCES agencies(id),
    key_id             TEXT NOT NULL REFERENCES signing_keys(id),
    created_by         TEXT NOT NULL,
    level              TEXT NOT NULL,
    state_json         TEXT NOT NULL,
    signed_attributes  BLOB NOT NULL,
    prepared_pdf       BLOB NOT NULL,
    document_sha256    TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    completed_at       INTEGER
);
CREATE INDEX pdf_sign_operations_expiry ON pdf_sign_operations(expires_at);

CREATE TABLE csc_authorizations (
    sad_hash        TEXT PRIMARY KEY,
    key_id          TEXT NOT NULL REFERENCES signing_keys(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    hashes          TEXT NOT NULL,
    num_signatures  INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER
);

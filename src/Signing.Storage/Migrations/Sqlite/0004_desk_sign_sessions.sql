-- Signing at the desk with the GCC desk signer: the original document, the certificate the upload must be signed
-- with, and the SHA-256 hashes of the one-time download and upload tokens (the tokens themselves are never stored).
CREATE TABLE desk_sign_sessions (
    id                   TEXT PRIMARY KEY,
    agency_id            TEXT NOT NULL REFERENCES agencies(id),
    key_id               TEXT NOT NULL REFERENCES signing_keys(id),
    created_by           TEXT NOT NULL,
    file_name            TEXT NOT NULL,
    original_pdf         BLOB NOT NULL,
    original_sha256      TEXT NOT NULL,
    original_signatures  INTEGER NOT NULL,
    expected_thumbprint  TEXT NOT NULL,
    download_token_hash  TEXT NOT NULL UNIQUE,
    upload_token_hash    TEXT NOT NULL UNIQUE,
    created_at           INTEGER NOT NULL,
    expires_at           INTEGER NOT NULL,
    downloaded_at        INTEGER,
    signed_at            INTEGER,
    signed_pdf           BLOB,
    signed_sha256        TEXT
);
CREATE INDEX desk_sign_sessions_expiry ON desk_sign_sessions(expires_at);

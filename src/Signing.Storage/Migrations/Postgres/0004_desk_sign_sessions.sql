-- Signing at the desk with the GCC desk signer: the original document, the certificate the upload must be signed
-- with, and the SHA-256 hashes of the one-time download and upload tokens (the tokens themselves are never stored).
CREATE TABLE desk_sign_sessions (
    id                   TEXT PRIMARY KEY,
    agency_id            TEXT NOT NULL REFERENCES agencies(id),
    key_id               TEXT NOT NULL REFERENCES signing_keys(id),
    created_by           TEXT NOT NULL,
    file_name            TEXT NOT NULL,
    original_pdf         BYTEA NOT NULL,
    original_sha256      TEXT NOT NULL,
    original_signatures  BIGINT NOT NULL,
    expected_thumbprint  TEXT NOT NULL,
    download_token_hash  TEXT NOT NULL UNIQUE,
    upload_token_hash    TEXT NOT NULL UNIQUE,
    created_at           BIGINT NOT NULL,
    expires_at           BIGINT NOT NULL,
    downloaded_at        BIGINT,
    signed_at            BIGINT,
    signed_pdf           BYTEA,
    signed_sha256        TEXT
);
CREATE INDEX desk_sign_sessions_expiry ON desk_sign_sessions(expires_at);

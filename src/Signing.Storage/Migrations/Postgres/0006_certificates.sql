-- Certificates (issue 13): the inventory of every certificate an agency holds, the steps a revoked or expired
-- certificate's key leaves stranded, requests to the Government Cipher Committee (Decree 68/2024) and the dossiers that
-- carry them, mergers of agencies, and the versions of agencies' identifier codes and names.
ALTER TABLE agencies ADD COLUMN parent_body TEXT;
ALTER TABLE agencies ADD COLUMN archived_at BIGINT;
ALTER TABLE agencies ADD COLUMN merged_into_id TEXT REFERENCES agencies(id);

CREATE TABLE agency_versions (
    id           TEXT PRIMARY KEY,
    agency_id    TEXT NOT NULL REFERENCES agencies(id),
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    province     TEXT,
    parent_body  TEXT,
    valid_from   BIGINT NOT NULL,
    valid_to     BIGINT NOT NULL,
    reason       TEXT NOT NULL,
    changed_by   TEXT NOT NULL
);
CREATE INDEX agency_versions_agency ON agency_versions(agency_id, valid_to);

CREATE TABLE certificates (
    id                   TEXT PRIMARY KEY,
    agency_id            TEXT NOT NULL REFERENCES agencies(id),
    kind                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    source               TEXT NOT NULL,
    holder_user_id       TEXT REFERENCES users(id),
    key_id               TEXT REFERENCES signing_keys(id),
    subject              TEXT NOT NULL,
    common_name          TEXT NOT NULL,
    organizational_unit  TEXT,
    organization         TEXT,
    locality             TEXT,
    email                TEXT,
    personal_id          TEXT,
    issuer               TEXT NOT NULL,
    serial               TEXT NOT NULL,
    not_before           BIGINT NOT NULL,
    not_after            BIGINT NOT NULL,
    key_algorithm        TEXT NOT NULL,
    public_key_sha256    TEXT,
    thumbprint           TEXT UNIQUE,
    token_serial         TEXT,
    token_label          TEXT,
    der                  BYTEA,
    chain_pem            TEXT,
    revoked_at           BIGINT,
    revocation_reason    TEXT,
    superseded_by_id     TEXT,
    alerted_days         BIGINT,
    checked_at           BIGINT,
    search_text          TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    UNIQUE (issuer, serial)
);
CREATE INDEX certificates_agency ON certificates(agency_id, status, not_after);
CREATE INDEX certificates_holder ON certificates(holder_user_id, created_at);
CREATE INDEX certificates_key ON certificates(key_id);
CREATE INDEX certificates_public_key ON certificates(public_key_sha256);

CREATE TABLE certificate_step_flags (
    step_id         TEXT NOT NULL REFERENCES signature_request_steps(id),
    certificate_id  TEXT NOT NULL REFERENCES certificates(id),
    request_id      TEXT NOT NULL REFERENCES signature_requests(id),
    key_id          TEXT,
    reason          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (step_id, certificate_id)
);
CREATE INDEX certificate_step_flags_request ON certificate_step_flags(request_id);

CREATE TABLE certificate_requests (
    id                     TEXT PRIMARY KEY,
    agency_id              TEXT NOT NULL REFERENCES agencies(id),
    kind                   TEXT NOT NULL,
    state                  TEXT NOT NULL,
    dossier_id             TEXT,
    merger_id              TEXT,
    holder_user_id         TEXT REFERENCES users(id),
    certificate_id         TEXT REFERENCES certificates(id),
    fields                 TEXT NOT NULL,
    subject_before         TEXT,
    subject_after          TEXT,
    revocation_reason      TEXT,
    key_uri                TEXT,
    csr                    BYTEA,
    public_key_sha256      TEXT,
    issued_certificate_id  TEXT REFERENCES certificates(id),
    outcome_note           TEXT,
    created_by             TEXT NOT NULL,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL,
    closed_at              BIGINT
);
CREATE INDEX certificate_requests_agency ON certificate_requests(agency_id, state, created_at);
CREATE INDEX certificate_requests_dossier ON certificate_requests(dossier_id);
CREATE INDEX certificate_requests_public_key ON certificate_requests(public_key_sha256);

CREATE TABLE dossiers (
    id                    TEXT PRIMARY KEY,
    agency_id             TEXT NOT NULL REFERENCES agencies(id),
    title                 TEXT NOT NULL,
    state                 TEXT NOT NULL,
    merger_id             TEXT,
    signature_request_id  TEXT REFERENCES signature_requests(id),
    head_user_id          TEXT REFERENCES users(id),
    pdf                   BYTEA,
    pdf_sha256            TEXT,
    dispatch_number       TEXT,
    dispatch_date         TEXT,
    submitted_at          BIGINT,
    due_date              TEXT,
    completed_at          BIGINT,
    note                  TEXT,
    created_by            TEXT NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX dossiers_agency ON dossiers(agency_id, state, created_at);
CREATE INDEX dossiers_request ON dossiers(signature_request_id);

CREATE TABLE mergers (
    id                  TEXT PRIMARY KEY,
    agency_id           TEXT NOT NULL REFERENCES agencies(id),
    state               TEXT NOT NULL,
    input               TEXT NOT NULL,
    plan                TEXT NOT NULL,
    survivor_agency_id  TEXT REFERENCES agencies(id),
    dossier_id          TEXT,
    created_by          TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    confirmed_at        BIGINT,
    completed_at        BIGINT
);
CREATE INDEX mergers_agency ON mergers(agency_id, created_at);

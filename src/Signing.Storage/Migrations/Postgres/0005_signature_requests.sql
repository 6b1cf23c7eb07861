-- Signature requests (Decree 30/2020: submit, review, sign, register, seal, copy), their document revisions, steps and
-- history; the per-agency numbering counters; the event outbox and webhook deliveries; the job queue; in-app
-- notifications; and the per-person signing credentials that unlock server-held keys.
CREATE TABLE signature_requests (
    id              TEXT PRIMARY KEY,
    agency_id       TEXT NOT NULL REFERENCES agencies(id),
    title           TEXT NOT NULL,
    document_type   TEXT NOT NULL,
    symbol_pattern  TEXT NOT NULL,
    urgency         TEXT NOT NULL,
    secrecy         TEXT NOT NULL,
    deadline        BIGINT,
    submitter_kind  TEXT NOT NULL,
    submitter_id    TEXT NOT NULL,
    submitter_name  TEXT NOT NULL,
    client_id       TEXT,
    external_ref    TEXT,
    state           TEXT NOT NULL,
    supersedes_id   TEXT REFERENCES signature_requests(id),
    series          TEXT NOT NULL,
    number          BIGINT,
    number_year     BIGINT,
    symbol          TEXT,
    issued_date     TEXT,
    completed_at    BIGINT,
    version         BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX signature_requests_agency ON signature_requests(agency_id, state, created_at);
CREATE INDEX signature_requests_client ON signature_requests(client_id, created_at);
CREATE UNIQUE INDEX signature_requests_number ON signature_requests(agency_id, number_year, series, number) WHERE number IS NOT NULL;
CREATE UNIQUE INDEX signature_requests_external_ref ON signature_requests(client_id, external_ref) WHERE external_ref IS NOT NULL AND client_id IS NOT NULL;

CREATE TABLE signature_request_documents (
    request_id      TEXT NOT NULL REFERENCES signature_requests(id),
    document_index  BIGINT NOT NULL,
    revision        BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    length          BIGINT NOT NULL,
    signatures      BIGINT NOT NULL,
    content         BYTEA NOT NULL,
    step_id         TEXT,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (request_id, document_index, revision)
);

CREATE TABLE signature_request_steps (
    id                  TEXT PRIMARY KEY,
    request_id          TEXT NOT NULL REFERENCES signature_requests(id),
    ordinal             BIGINT NOT NULL,
    kind                TEXT NOT NULL,
    state               TEXT NOT NULL,
    assignees           TEXT NOT NULL,
    required_approvals  BIGINT NOT NULL,
    capacity            TEXT,
    capacity_title      TEXT,
    delegate_user_id    TEXT REFERENCES users(id),
    anchor              TEXT,
    page                BIGINT,
    rect                TEXT,
    input_sha256        TEXT,
    output_sha256       TEXT,
    actor_id            TEXT,
    actor_name          TEXT,
    key_id              TEXT,
    image_box           TEXT,
    last_reminded_at    BIGINT,
    started_at          BIGINT,
    completed_at        BIGINT,
    UNIQUE (request_id, ordinal)
);
CREATE INDEX signature_request_steps_active ON signature_request_steps(state, request_id);

CREATE TABLE signature_request_approvals (
    step_id   TEXT NOT NULL REFERENCES signature_request_steps(id),
    user_id   TEXT NOT NULL,
    at        BIGINT NOT NULL,
    PRIMARY KEY (step_id, user_id)
);

CREATE TABLE signature_request_history (
    seq            BIGSERIAL PRIMARY KEY,
    request_id     TEXT NOT NULL REFERENCES signature_requests(id),
    step_id        TEXT,
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    capacity       TEXT,
    input_sha256   TEXT,
    output_sha256  TEXT,
    details        TEXT
);
CREATE INDEX signature_request_history_request ON signature_request_history(request_id, seq);

CREATE TABLE document_number_counters (
    agency_id    TEXT NOT NULL REFERENCES agencies(id),
    year         BIGINT NOT NULL,
    series       TEXT NOT NULL,
    last_number  BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year, series)
);

CREATE TABLE outbox_events (
    id          TEXT PRIMARY KEY,
    agency_id   TEXT NOT NULL,
    client_id   TEXT,
    type        TEXT NOT NULL,
    subject_id  TEXT,
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX outbox_events_subject ON outbox_events(subject_id, created_at);

CREATE TABLE webhook_subscriptions (
    id               TEXT PRIMARY KEY,
    agency_id        TEXT NOT NULL REFERENCES agencies(id),
    client_id        TEXT NOT NULL REFERENCES clients(id),
    url              TEXT NOT NULL,
    secret           TEXT NOT NULL,
    events           TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    disabled_at      BIGINT,
    disabled_reason  TEXT
);
CREATE INDEX webhook_subscriptions_client ON webhook_subscriptions(client_id);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    event_id         TEXT NOT NULL REFERENCES outbox_events(id),
    subscription_id  TEXT NOT NULL REFERENCES webhook_subscriptions(id),
    state            TEXT NOT NULL,
    attempts         BIGINT NOT NULL,
    next_attempt_at  BIGINT,
    last_status      BIGINT,
    last_error       TEXT,
    delivered_at     BIGINT,
    created_at       BIGINT NOT NULL,
    UNIQUE (event_id, subscription_id)
);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries(subscription_id, created_at);

CREATE TABLE webhook_attempts (
    id            TEXT PRIMARY KEY,
    delivery_id   TEXT NOT NULL REFERENCES webhook_deliveries(id),
    at            BIGINT NOT NULL,
    status        BIGINT,
    error         TEXT,
    duration_ms   BIGINT NOT NULL,
    node          TEXT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, at);

CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    unique_key    TEXT UNIQUE,
    payload       TEXT,
    state         TEXT NOT NULL,
    priority      BIGINT NOT NULL,
    run_at        BIGINT NOT NULL,
    attempts      BIGINT NOT NULL,
    max_attempts  BIGINT NOT NULL,
    claimed_by    TEXT,
    lease_until   BIGINT,
    last_error    TEXT,
    created_at    BIGINT NOT NULL,
    finished_at   BIGINT
);
CREATE INDEX jobs_available ON jobs(state, priority, run_at);

CREATE TABLE job_runs (
    id         TEXT PRIMARY KEY,
    job_id     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    node       TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    outcome    TEXT NOT NULL
);
CREATE INDEX job_runs_job ON job_runs(job_id);

CREATE TABLE notifications (
    id          TEXT PRIMARY KEY,
    agency_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(id),
    subject_id  TEXT,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    link        TEXT,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);

CREATE TABLE signing_credentials (
    user_id          TEXT PRIMARY KEY REFERENCES users(id),
    pin_hash         TEXT,
    totp_secret      TEXT,
    failed_attempts  BIGINT NOT NULL,
    locked_at        BIGINT,
    updated_at       BIGINT NOT NULL
);

ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE signing_keys ADD COLUMN appearance_png BYTEA;
ALTER TABLE desk_sign_sessions ADD COLUMN step_id TEXT;

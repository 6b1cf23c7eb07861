-- Sessions and login throttling (issue 17): a person's session is a row that sign-out revokes, so a copied cookie
-- stops working on every node; failed password attempts are counted per account and source address, so back-off slows
-- the one guessing, not the person whose account it is.
CREATE TABLE user_sessions (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX user_sessions_user ON user_sessions(user_id);

CREATE TABLE login_failures (
    account          TEXT NOT NULL,
    source           TEXT NOT NULL,
    failures         INTEGER NOT NULL,
    last_failure_at  BIGINT NOT NULL,
    blocked_until    BIGINT NOT NULL,
    PRIMARY KEY (account, source)
);
CREATE INDEX login_failures_age ON login_failures(last_failure_at);

-- Usernames are now kept trimmed and lower case (Usernames.Normalize); earlier ones are brought into line unless that
-- would make two people share a name, which an admin must then resolve.
UPDATE users SET username = lower(trim(username))
WHERE username <> lower(trim(username))
  AND NOT EXISTS (SELECT 1 FROM users other WHERE other.username = lower(trim(users.username)) AND other.id <> users.id);

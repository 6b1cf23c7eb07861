-- RFC 6238 5.2: a one-time code is accepted once. The last time step accepted per credential is kept in the row, so
-- a code seen on the wire or over a shoulder cannot sign again within its window, on any node.
ALTER TABLE signing_credentials ADD COLUMN totp_last_step INTEGER;

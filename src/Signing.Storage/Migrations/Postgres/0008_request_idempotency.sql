-- A submission's Idempotency-Key, kept with the request in the same transaction: a client retrying after the node
-- died between commit and reply (when the idempotency record was never completed) gets the request it created,
-- never a second one.
ALTER TABLE signature_requests ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX signature_requests_idempotency ON signature_requests(submitter_kind, submitter_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- Every status a certificate of the inventory takes, written in the transaction that changes it (issue 14): the detail
-- page reads the certificate's life from here, so a change overwritten by the next (active, expiring, revoked) is
-- still known, with who or what made it and why. seq orders a certificate's changes even within one millisecond.
CREATE TABLE certificate_status_changes (
    certificate_id  TEXT NOT NULL REFERENCES certificates(id),
    seq             BIGINT NOT NULL,
    old_status      TEXT,
    new_status      TEXT NOT NULL,
    changed_at      BIGINT NOT NULL,
    actor           TEXT NOT NULL,
    reason          TEXT,
    PRIMARY KEY (certificate_id, seq)
);

-- Certificates inventoried before this table existed get the one change the record still tells: their entry, with the
-- status they hold now (the steps in between were not kept).
INSERT INTO certificate_status_changes (certificate_id, seq, old_status, new_status, changed_at, actor, reason)
SELECT id, 1, NULL, status, created_at, 'system:migration', 'migrated'
FROM certificates;

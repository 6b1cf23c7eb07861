-- A signed revision is the revision before it plus an incremental update (ISO 32000-1 7.5.6). Storing each revision in
-- full wrote a 150 KB document three times over per request; a revision that extends an earlier one now keeps only the
-- bytes appended to it, and appends_to names that earlier revision. Rows written before keep their full bytes (NULL).
ALTER TABLE signature_request_documents ADD COLUMN appends_to INTEGER;

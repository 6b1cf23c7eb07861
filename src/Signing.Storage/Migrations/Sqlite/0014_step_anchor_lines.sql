-- A sign step's anchor is looked up in the document when the request is submitted, so that a submitter learns of an
-- anchor that is not in the document at once, not the official at signing time. The line found is kept as
-- page:x,baseline,width,font-size; the signature block is placed under it when the step is signed.
ALTER TABLE signature_request_steps ADD COLUMN anchor_line TEXT;

-- Record headers, in order, encoded as `headers::encode` writes them; NULL for a record
-- without any (every record written before headers existed).
ALTER TABLE records ADD COLUMN headers bytea;

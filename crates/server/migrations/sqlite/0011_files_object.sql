-- Orphaned objects (bytes stored for an upload whose row was never written, or left when a
-- row was deleted and the process died before the bytes were) are swept by asking which of a
-- page of object names a row still names: an index on the name.
CREATE INDEX files_object ON files (object);

CREATE TABLE checklists (
    id               TEXT PRIMARY KEY,
    idempotency_key  TEXT NOT NULL UNIQUE,
    fingerprint      TEXT NOT NULL,
    subject_kind     TEXT NOT NULL CHECK (subject_kind IN ('bundle', 'matter')),
    subject_code     TEXT NOT NULL,
    answers          JSON NOT NULL,     -- json, not jsonb: kept byte for byte as written
    catalog_version  TEXT NOT NULL,
    checklist        JSON NOT NULL,
    created_at       BIGINT NOT NULL
);

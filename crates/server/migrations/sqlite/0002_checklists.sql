-- Stored one-time checklists (一次性告知单), shared by link and QR code. Only the situation
-- (subject and situational answers) and the checklist computed from it: no personal data.
-- `idempotency_key` is the client's Idempotency-Key, so a retried POST finds its first write.
CREATE TABLE checklists (
    id               TEXT PRIMARY KEY,        -- 10 characters, Crockford base32
    idempotency_key  TEXT NOT NULL UNIQUE,
    fingerprint      TEXT NOT NULL,
    subject_kind     TEXT NOT NULL CHECK (subject_kind IN ('bundle', 'matter')),
    subject_code     TEXT NOT NULL,
    answers          TEXT NOT NULL CHECK (json_valid(answers)),
    catalog_version  TEXT NOT NULL,
    checklist        TEXT NOT NULL CHECK (json_valid(checklist)),
    created_at       INTEGER NOT NULL         -- ms since epoch, UTC
) STRICT;

-- Draft applications (草稿) and submitted applications (申请).
-- Drafts hold personal data (what the applicant has typed so far): they are readable only with
-- the draft key or the second factor, never logged, and purged once `expires_at` has passed.
-- Submitting deletes the draft in the same transaction that stores the application.
-- `idempotency_key` is the client's Idempotency-Key, so a retried POST finds its first write.
CREATE TABLE drafts (
    token            TEXT PRIMARY KEY,        -- the resume token: random, not personal data
    idempotency_key  TEXT NOT NULL UNIQUE,
    fingerprint      TEXT NOT NULL,
    key_hash         TEXT NOT NULL,           -- SHA-256 (hex) of the draft key
    subject_kind     TEXT NOT NULL CHECK (subject_kind IN ('bundle', 'matter')),
    subject_code     TEXT NOT NULL,
    answers          TEXT NOT NULL CHECK (json_valid(answers)),
    data             TEXT NOT NULL CHECK (json_valid(data)),
    form             TEXT NOT NULL CHECK (json_valid(form)),
    catalog_version  TEXT NOT NULL,
    factor_kind      TEXT NOT NULL CHECK (factor_kind IN ('', 'id', 'pin')),
    factor_hash      TEXT,                    -- SHA-256 (hex) of the token and second factor
    failed_opens     INTEGER NOT NULL CHECK (failed_opens >= 0),
    locked_until     INTEGER,                 -- ms since epoch, UTC
    created_at       INTEGER NOT NULL,        -- ms since epoch, UTC
    saved_at         INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL
) STRICT;

CREATE INDEX drafts_expires_at ON drafts (expires_at);

-- Submitted applications, one per Idempotency-Key. `data` is personal data: never logged.
CREATE TABLE applications (
    number           TEXT PRIMARY KEY,        -- 10 characters, Crockford base32
    idempotency_key  TEXT NOT NULL UNIQUE,
    fingerprint      TEXT NOT NULL,
    subject_kind     TEXT NOT NULL CHECK (subject_kind IN ('bundle', 'matter')),
    subject_code     TEXT NOT NULL,
    answers          TEXT NOT NULL CHECK (json_valid(answers)),
    data             TEXT NOT NULL CHECK (json_valid(data)),
    receipt          TEXT NOT NULL CHECK (json_valid(receipt)),
    catalog_version  TEXT NOT NULL,
    created_at       INTEGER NOT NULL         -- ms since epoch, UTC
) STRICT;

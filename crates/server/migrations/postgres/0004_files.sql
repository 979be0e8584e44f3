-- Uploaded documents (材料): the photos and scans an applicant attaches to a draft.
-- Uploaded documents are personal data (identity cards, licences, contracts): the bytes live in
-- the object store under a random name (`object`), never in the database and never logged; this
-- table only links them to a draft, its application once submitted, and a material.
-- No foreign keys: drafts are purged and a submitted draft is deleted, while its files stay with
-- the application (`application` set on submission).
-- `idempotency_key` is the client's Idempotency-Key, so a retried upload finds its first write.
CREATE TABLE files (
    id               TEXT PRIMARY KEY,        -- `F` + 15 characters, Crockford base32
    idempotency_key  TEXT NOT NULL UNIQUE,
    draft_token      TEXT NOT NULL,           -- the draft it was uploaded to
    application      TEXT,                    -- the application number once submitted
    material         TEXT NOT NULL,           -- the material's canonical key (`id-card`)
    slot             TEXT NOT NULL CHECK (slot IN ('front', 'back', 'pages')),
    position         INTEGER NOT NULL CHECK (position >= 0),
    content_type     TEXT NOT NULL
        CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    bytes            BIGINT NOT NULL CHECK (bytes >= 0),
    sha256           TEXT NOT NULL,           -- SHA-256 (hex) of the bytes as uploaded
    pages            INTEGER CHECK (pages >= 0),   -- PDF pages, NULL for an image
    width            INTEGER CHECK (width >= 0),   -- image pixels as stored, NULL for a PDF
    height           INTEGER CHECK (height >= 0),
    object           TEXT NOT NULL,           -- the object store path: random, not personal data
    created_at       BIGINT NOT NULL          -- ms since epoch, UTC
);

CREATE INDEX files_draft_token ON files (draft_token);
CREATE INDEX files_application ON files (application);

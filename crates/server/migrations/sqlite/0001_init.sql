-- Catalogue versions seen at start: which catalogue was live when.
CREATE TABLE catalog_versions (
    version     TEXT PRIMARY KEY,
    first_seen  INTEGER NOT NULL,  -- ms since epoch, UTC
    last_seen   INTEGER NOT NULL
) STRICT;

-- Page feedback ("这个页面对您有帮助吗？"). The id is the client's Idempotency-Key, so a retried
-- POST finds its first write instead of making a second one.
CREATE TABLE feedback (
    id          TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    page        TEXT NOT NULL,
    useful      INTEGER NOT NULL CHECK (useful IN (0, 1)),
    comment     TEXT,
    created_at  INTEGER NOT NULL
) STRICT;

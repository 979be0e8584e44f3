CREATE TABLE catalog_versions (
    version     TEXT PRIMARY KEY,
    first_seen  BIGINT NOT NULL,
    last_seen   BIGINT NOT NULL
);

CREATE TABLE feedback (
    id          TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    page        TEXT NOT NULL,
    useful      BOOLEAN NOT NULL,
    comment     TEXT,
    created_at  BIGINT NOT NULL
);

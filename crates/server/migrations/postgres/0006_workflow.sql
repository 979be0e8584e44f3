-- The life of an application after submission (issue 6): the event log, the staff side, the
-- notifications outbox, and ratings.

-- Every change of status, of the application (`matter` NULL) or of one matter, in order. The
-- log is append-only: the triggers below refuse any UPDATE or DELETE. The statuses in
-- `applications.status` and `application_matters.status` are projections of this log, written
-- in the same transaction as the events, and always equal to its replay.
CREATE TABLE events (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application      TEXT NOT NULL,
    matter           TEXT,                    -- NULL: the application's own status
    from_status      TEXT NOT NULL,
    to_status        TEXT NOT NULL,
    actor_kind       TEXT NOT NULL
        CHECK (actor_kind IN ('applicant', 'window', 'department', 'supervisor', 'system')),
    actor            TEXT,                    -- the staff account's id, NULL otherwise
    department       TEXT,                    -- the acting department's code
    note             TEXT,                    -- reasons, a tracking number: never personal data
    at               BIGINT NOT NULL          -- ms since epoch, UTC
);

CREATE INDEX events_application ON events (application, seq);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- The application's status as its log leaves it, the number of events so far (`version`: the
-- ETag of its progress, and the optimistic lock of every action), and its deadlines.
ALTER TABLE applications ADD COLUMN status TEXT NOT NULL DEFAULT 'submitted';
ALTER TABLE applications ADD COLUMN version BIGINT NOT NULL DEFAULT 0 CHECK (version >= 0);
ALTER TABLE applications ADD COLUMN updated_at BIGINT;
ALTER TABLE applications ADD COLUMN accept_by TEXT;      -- YYYY-MM-DD: the window decides by
ALTER TABLE applications ADD COLUMN due_on TEXT;         -- YYYY-MM-DD: the last result promised
CREATE INDEX applications_status ON applications (status, created_at);

-- The matters of an application, fixed at submission, with their status (projection).
CREATE TABLE application_matters (
    application      TEXT NOT NULL,
    matter           TEXT NOT NULL,
    position         BIGINT NOT NULL CHECK (position >= 0),
    department       TEXT NOT NULL,
    waits_for        TEXT NOT NULL,           -- JSON array of matter codes
    status           TEXT NOT NULL,
    due_on           TEXT,                    -- YYYY-MM-DD: its promised result
    PRIMARY KEY (application, matter)
);

CREATE INDEX application_matters_department ON application_matters (department, status);

-- Staff accounts. Passwords are argon2id hashes (PHC strings); the plain password is never
-- stored or logged.
CREATE TABLE staff (
    id               TEXT PRIMARY KEY,        -- `S` + 15 characters, Crockford base32
    username         TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('window', 'department', 'supervisor', 'admin')),
    department       TEXT,                    -- the department's code, for the department role
    password_hash    TEXT NOT NULL,
    active           BOOLEAN NOT NULL,
    created_at       BIGINT NOT NULL,
    CHECK ((role = 'department') = (department IS NOT NULL))
);

-- Signed-in sessions, in the database so that any server instance can serve them. Only the
-- SHA-256 of the cookie's token is stored.
CREATE TABLE staff_sessions (
    token_hash       TEXT PRIMARY KEY,
    staff            TEXT NOT NULL REFERENCES staff (id),
    created_at       BIGINT NOT NULL,
    last_seen        BIGINT NOT NULL,        -- the idle timeout counts from here
    expires_at       BIGINT NOT NULL         -- the absolute end, whatever the activity
);

CREATE INDEX staff_sessions_staff ON staff_sessions (staff);

-- Who looked at or did what (every view of personal data). Kept at least 180 days.
CREATE TABLE audit_log (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at               BIGINT NOT NULL,
    staff            TEXT,                    -- NULL: the applicant or the system
    action           TEXT NOT NULL,
    application      TEXT,
    detail           TEXT                     -- never personal data itself
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_application ON audit_log (application, seq);

-- Notifications to send, written with the event that causes them, sent by a worker through
-- the configured adapter. `claimed_until` lets several instances share the work.
CREATE TABLE outbox (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application      TEXT NOT NULL,
    kind             TEXT NOT NULL,           -- accepted, correction, completed, dispatched…
    text             TEXT NOT NULL,           -- the message, without personal data
    created_at       BIGINT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_at          BIGINT NOT NULL,        -- not before
    claimed_until    BIGINT,
    sent_at          BIGINT,
    last_error       TEXT
);

CREATE INDEX outbox_due ON outbox (sent_at, next_at);

-- The applicant's in-app messages (消息), written by the default notification adapter.
CREATE TABLE messages (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application      TEXT NOT NULL,
    outbox           BIGINT NOT NULL UNIQUE, -- the notification it delivers (sent once)
    kind             TEXT NOT NULL,
    text             TEXT NOT NULL,
    at               BIGINT NOT NULL
);

CREATE INDEX messages_application ON messages (application, id);

-- 好差评: one rating per application; a bad one (1 or 2) opens a follow-up (整改).
CREATE TABLE ratings (
    application      TEXT PRIMARY KEY,
    level            BIGINT NOT NULL CHECK (level BETWEEN 1 AND 5),
    dimensions       TEXT NOT NULL,
    comment          TEXT,
    rated_at         BIGINT NOT NULL,
    followup_due     TEXT,                    -- YYYY-MM-DD, for a bad rating
    reply            TEXT,                    -- the supervisor's answer (整改 reply)
    replied_by       TEXT,
    replied_at       BIGINT
);

CREATE INDEX ratings_followup ON ratings (followup_due, replied_at);

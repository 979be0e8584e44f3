-- The life of an application after submission (issue 6): the event log, the staff side, the
-- notifications outbox, and ratings.

-- Every change of status, of the application (`matter` NULL) or of one matter, in order. The
-- log is append-only: the triggers below refuse any UPDATE or DELETE. The statuses in
-- `applications.status` and `application_matters.status` are projections of this log, written
-- in the same transaction as the events, and always equal to its replay.
CREATE TABLE events (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    application      TEXT NOT NULL,
    matter           TEXT,                    -- NULL: the application's own status
    from_status      TEXT NOT NULL,
    to_status        TEXT NOT NULL,
    actor_kind       TEXT NOT NULL
        CHECK (actor_kind IN ('applicant', 'window', 'department', 'supervisor', 'system')),
    actor            TEXT,                    -- the staff account's id, NULL otherwise
    department       TEXT,                    -- the acting department's code
    note             TEXT,                    -- reasons, a tracking number: never personal data
    at               INTEGER NOT NULL         -- ms since epoch, UTC
) STRICT;

CREATE INDEX events_application ON events (application, seq);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- The application's status as its log leaves it, the number of events so far (`version`: the
-- ETag of its progress, and the optimistic lock of every action), and its deadlines.
ALTER TABLE applications ADD COLUMN status TEXT NOT NULL DEFAULT 'submitted';
ALTER TABLE applications ADD COLUMN version INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0);
ALTER TABLE applications ADD COLUMN updated_at INTEGER;
ALTER TABLE applications ADD COLUMN accept_by TEXT;      -- YYYY-MM-DD: the window decides by
ALTER TABLE applications ADD COLUMN due_on TEXT;         -- YYYY-MM-DD: the last result promised
CREATE INDEX applications_status ON applications (status, created_at);

-- The matters of an application, fixed at submission, with their status (projection).
CREATE TABLE application_matters (
    application      TEXT NOT NULL,
    matter           TEXT NOT NULL,
    position         INTEGER NOT NULL CHECK (position >= 0),
    department       TEXT NOT NULL,
    waits_for        TEXT NOT NULL CHECK (json_valid(waits_for)), -- JSON array of matter codes
    status           TEXT NOT NULL,
    due_on           TEXT,                    -- YYYY-MM-DD: its promised result
    PRIMARY KEY (application, matter)
) STRICT;

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
    active           INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at       INTEGER NOT NULL,
    CHECK ((role = 'department') = (department IS NOT NULL))
) STRICT;

-- Signed-in sessions, in the database so that any server instance can serve them. Only the
-- SHA-256 of the cookie's token is stored.
CREATE TABLE staff_sessions (
    token_hash       TEXT PRIMARY KEY,
    staff            TEXT NOT NULL REFERENCES staff (id),
    created_at       INTEGER NOT NULL,
    last_seen        INTEGER NOT NULL,        -- the idle timeout counts from here
    expires_at       INTEGER NOT NULL         -- the absolute end, whatever the activity
) STRICT;

CREATE INDEX staff_sessions_staff ON staff_sessions (staff);

-- Who looked at or did what (every view of personal data). Kept at least 180 days.
CREATE TABLE audit_log (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    at               INTEGER NOT NULL,
    staff            TEXT,                    -- NULL: the applicant or the system
    action           TEXT NOT NULL,
    application      TEXT,
    detail           TEXT                     -- never personal data itself
) STRICT;

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_application ON audit_log (application, seq);

-- Notifications to send, written with the event that causes them, sent by a worker through
-- the configured adapter. `claimed_until` lets several instances share the work.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    application      TEXT NOT NULL,
    kind             TEXT NOT NULL,           -- accepted, correction, completed, dispatched…
    text             TEXT NOT NULL,           -- the message, without personal data
    created_at       INTEGER NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_at          INTEGER NOT NULL,        -- not before
    claimed_until    INTEGER,
    sent_at          INTEGER,
    last_error       TEXT
) STRICT;

CREATE INDEX outbox_due ON outbox (sent_at, next_at);

-- The applicant's in-app messages (消息), written by the default notification adapter.
CREATE TABLE messages (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    application      TEXT NOT NULL,
    outbox           INTEGER NOT NULL UNIQUE, -- the notification it delivers (sent once)
    kind             TEXT NOT NULL,
    text             TEXT NOT NULL,
    at               INTEGER NOT NULL
) STRICT;

CREATE INDEX messages_application ON messages (application, id);

-- 好差评: one rating per application; a bad one (1 or 2) opens a follow-up (整改).
CREATE TABLE ratings (
    application      TEXT PRIMARY KEY,
    level            INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    dimensions       TEXT NOT NULL CHECK (json_valid(dimensions)),
    comment          TEXT,
    rated_at         INTEGER NOT NULL,
    followup_due     TEXT,                    -- YYYY-MM-DD, for a bad rating
    reply            TEXT,                    -- the supervisor's answer (整改 reply)
    replied_by       TEXT,
    replied_at       INTEGER
) STRICT;

CREATE INDEX ratings_followup ON ratings (followup_due, replied_at);

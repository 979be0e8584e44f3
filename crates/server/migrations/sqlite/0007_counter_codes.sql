-- 办件码: the counter QR code of an application that still needs one trip. The applicant shows
-- it at the window; staff scan it (or type it) to open the prepared application. A code is
-- random (8 characters of Crockford base32, 40 bits), says nothing by itself, and opens
-- nothing without a staff sign-in. It expires (`expires_at`) and can be revoked, by the
-- applicant (a new one replaces it) or by staff.
CREATE TABLE counter_codes (
    code         TEXT PRIMARY KEY,
    application  TEXT NOT NULL,            -- the application number
    created_at   INTEGER NOT NULL,         -- ms since epoch, UTC
    expires_at   INTEGER NOT NULL,         -- ms since epoch, UTC
    revoked_at   INTEGER,                  -- ms since epoch, UTC; NULL while not revoked
    revoked_by   TEXT                      -- 'applicant' or the staff username
) STRICT;

CREATE INDEX counter_codes_application ON counter_codes (application);

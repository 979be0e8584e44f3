-- Secrets the instances share when the environment gives none: the key of the digests kept
-- of identity and phone numbers (`ONETRIP_DIGEST_KEY` unset). Made by the first instance to
-- start, read by the others; never sent anywhere. Bookings written before this migration
-- keep their plain digests, which no longer match: their one-per-person rules start afresh.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- 窗口预约: a booked slot at a hall's window for the one trip of a matter on the negative list.
-- Who booked is kept only as digests (`id_hash`, `phone_hash`: SHA-256 of the normalised
-- identity and mobile numbers with a fixed tag), for the quotas and the no-show rule, and as
-- a masked name for the window. `token` (22 characters) is the confirmation page's address;
-- `checkin_code` (8) is the 办件码 shown as the check-in QR code. A slot's seats are counted
-- inside the transaction that writes the booking, so the last seat goes to exactly one.
CREATE TABLE bookings (
    id               TEXT PRIMARY KEY,
    token            TEXT NOT NULL UNIQUE,
    checkin_code     TEXT NOT NULL UNIQUE,
    idempotency_key  TEXT NOT NULL UNIQUE,
    fingerprint      TEXT NOT NULL,
    hall             TEXT NOT NULL,
    window_code      TEXT NOT NULL,
    matter           TEXT NOT NULL,
    day              TEXT NOT NULL,           -- YYYY-MM-DD, China time
    start_min        BIGINT NOT NULL,        -- minutes since midnight, China time
    end_min          BIGINT NOT NULL,
    start_at         BIGINT NOT NULL,        -- ms since epoch, UTC
    end_at           BIGINT NOT NULL,
    priority         BIGINT NOT NULL CHECK (priority IN (0, 1)),  -- 绿色通道
    id_hash          TEXT NOT NULL,
    phone_hash       TEXT NOT NULL,
    name_masked      TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'arrived')),
    created_at       BIGINT NOT NULL,
    cancelled_at     BIGINT,
    arrived_at       BIGINT,
    arrived_by       TEXT                     -- the staff username who saw the identity card
);

CREATE INDEX bookings_slot ON bookings (hall, window_code, day, start_min);
CREATE INDEX bookings_id ON bookings (id_hash, end_at);
CREATE INDEX bookings_phone ON bookings (phone_hash, end_at);

-- Identities a member of staff has seen in person at a hall (an arrival marked): only their
-- no-shows count, so typing someone else's number cannot get them blocked.
CREATE TABLE verified_identities (
    id_hash      TEXT PRIMARY KEY,
    verified_at  BIGINT NOT NULL
);

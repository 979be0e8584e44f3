-- Bank staff (预约开户) get a role of their own: role `bank` with the bank's code in `bank`,
-- instead of a department named `bank:{code}`. SQLite cannot change a CHECK, so the table is
-- built again. Signed-in sessions end (a member of staff signs in again after the upgrade):
-- the old table cannot be dropped while sessions point at it.
DELETE FROM staff_sessions;

CREATE TABLE staff_next (
    id               TEXT PRIMARY KEY,        -- `S` + 15 characters, Crockford base32
    username         TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    role             TEXT NOT NULL
        CHECK (role IN ('window', 'department', 'bank', 'supervisor', 'admin')),
    department       TEXT,                    -- the department's code, for the department role
    password_hash    TEXT NOT NULL,
    active           INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at       INTEGER NOT NULL,
    bank             TEXT,                    -- the bank's code (banks.toml), for the bank role
    CHECK ((role = 'department') = (department IS NOT NULL AND department <> '')),
    CHECK ((role = 'bank') = (bank IS NOT NULL AND bank <> ''))
) STRICT;

INSERT INTO staff_next (id, username, name, role, department, password_hash, active, created_at, bank)
SELECT id, username, name,
       CASE WHEN department LIKE 'bank:%' THEN 'bank' ELSE role END,
       CASE WHEN department LIKE 'bank:%' THEN NULL ELSE department END,
       password_hash, active, created_at,
       CASE WHEN department LIKE 'bank:%' THEN substr(department, 6) END
FROM staff;

DROP TABLE staff;
ALTER TABLE staff_next RENAME TO staff;

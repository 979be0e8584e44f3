-- 容缺受理 and 补正: materials asked for after submission, and who may supply them.
--
-- `material_requests`: one row per material still to supply: `deferred` when the applicant
-- committed at submission to bring it later (written in the submission's transaction), or
-- `correction` when a department asked for it (again) with a reason. `due_on` is the last
-- working day (China time) to supply it; `resolved_at` is set when the applicant hands in a file
-- for every side of the material uploaded since the request.
CREATE TABLE material_requests (
    id               TEXT PRIMARY KEY,        -- `R` + 15 characters, Crockford base32
    application      TEXT NOT NULL,           -- the application number
    material         TEXT NOT NULL,           -- the material's canonical key (`id-card`)
    kind             TEXT NOT NULL CHECK (kind IN ('deferred', 'correction')),
    reason           TEXT,                    -- the department's words (补正), NULL for 容缺
    department       TEXT,                    -- the department's code (补正)
    requested_at     BIGINT NOT NULL,         -- ms since epoch, UTC
    due_on           TEXT NOT NULL,           -- YYYY-MM-DD, China time
    resolved_at      BIGINT                   -- ms since epoch, UTC; NULL while open
);

CREATE INDEX material_requests_application ON material_requests (application);

-- Who may supply materials after submission: the device that submitted keeps its draft key as
-- the application key (`key_hash`: SHA-256 of it, replaced when the application is opened on
-- another device); the draft's second factor is copied with its salt (`factor_salt`, the
-- draft's token) so the same last six ID characters or PIN open it elsewhere; wrong tries lock
-- it as they lock a draft.
ALTER TABLE applications ADD COLUMN key_hash TEXT;
ALTER TABLE applications ADD COLUMN factor_kind TEXT NOT NULL DEFAULT ''
    CHECK (factor_kind IN ('', 'id', 'pin'));
ALTER TABLE applications ADD COLUMN factor_salt TEXT;
ALTER TABLE applications ADD COLUMN factor_hash TEXT;
ALTER TABLE applications ADD COLUMN failed_opens INTEGER NOT NULL DEFAULT 0
    CHECK (failed_opens >= 0);
ALTER TABLE applications ADD COLUMN locked_until BIGINT;

-- Files uploaded to an application after submission (补交) belong to no draft; `handed_in_at`
-- marks the files handed in with a supplement (no longer removable).
ALTER TABLE files ALTER COLUMN draft_token DROP NOT NULL;
ALTER TABLE files ADD COLUMN handed_in_at BIGINT;
ALTER TABLE files ADD CONSTRAINT files_owner
    CHECK (draft_token IS NOT NULL OR application IS NOT NULL);

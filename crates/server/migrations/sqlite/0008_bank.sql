-- 网上预约银行开户 (issue 8): the bank and branch a company chose in 企业开办, written when the
-- application is submitted; the bank's staff confirm a face-to-face signing time (面签) and
-- mark the account opened. Bank staff are `staff` rows of role `department` whose department
-- is `bank:{bank code}` (the department `bank` of the catalogue, narrowed to one bank).
CREATE TABLE bank_appointments (
    application   TEXT PRIMARY KEY,        -- the application number
    bank          TEXT NOT NULL,           -- bank code (catalog/banks.toml)
    branch        TEXT NOT NULL,           -- branch code
    account_type  TEXT NOT NULL,           -- basic, general, special
    status        TEXT NOT NULL CHECK (status IN ('requested', 'confirmed', 'opened')),
    signing_at    TEXT,                    -- 'YYYY-MM-DD HH:MM', China time, once confirmed
    created_at    INTEGER NOT NULL,        -- ms since epoch, UTC
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX bank_appointments_bank ON bank_appointments (bank, created_at);

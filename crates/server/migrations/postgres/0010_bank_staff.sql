-- Bank staff (预约开户) get a role of their own: role `bank` with the bank's code in `bank`,
-- instead of a department named `bank:{code}`.
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff DROP CONSTRAINT staff_check;
ALTER TABLE staff ADD COLUMN bank TEXT;

UPDATE staff SET role = 'bank', bank = substr(department, 6), department = NULL
WHERE department LIKE 'bank:%';

ALTER TABLE staff ADD CONSTRAINT staff_role_check
    CHECK (role IN ('window', 'department', 'bank', 'supervisor', 'admin'));
ALTER TABLE staff ADD CONSTRAINT staff_department_check
    CHECK ((role = 'department') = (department IS NOT NULL AND department <> ''));
ALTER TABLE staff ADD CONSTRAINT staff_bank_check
    CHECK ((role = 'bank') = (bank IS NOT NULL AND bank <> ''));

-- The audit log refuses UPDATE and DELETE through SQL. Someone with the
-- database file can still drop these triggers; the hash chain is what
-- proves tampering, these only stop accidents and ordinary code paths.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

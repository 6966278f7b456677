-- A counter that every change to the public directory moves; see the SQLite
-- version of this migration for why. One statement-level trigger per table.
CREATE TABLE directory_version (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	version BIGINT NOT NULL
);
INSERT INTO directory_version (id, version) VALUES (1, 1);
CREATE FUNCTION directory_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE directory_version SET version = version + 1;
	RETURN NULL;
END $$;
CREATE TRIGGER municipality_directory AFTER INSERT OR UPDATE OR DELETE ON municipality
FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE TRIGGER unit_directory AFTER INSERT OR UPDATE OR DELETE ON unit
FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE TRIGGER agreement_directory AFTER INSERT OR UPDATE OR DELETE ON agreement
FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE TRIGGER agreement_member_directory AFTER INSERT OR UPDATE OR DELETE ON agreement_member
FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();
CREATE TRIGGER agreement_unit_directory AFTER INSERT OR UPDATE OR DELETE ON agreement_unit
FOR EACH STATEMENT EXECUTE FUNCTION directory_version_bump();

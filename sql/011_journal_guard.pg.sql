-- The journal, decisions and the case timeline are append-only; see the
-- SQLite version of this migration.
CREATE FUNCTION nara_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE FUNCTION journal_note_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.id IS DISTINCT FROM OLD.id OR NEW.case_id IS DISTINCT FROM OLD.case_id
	   OR NEW.municipality_id IS DISTINCT FROM OLD.municipality_id
	   OR NEW.written_at IS DISTINCT FROM OLD.written_at
	   OR NEW.author_kind IS DISTINCT FROM OLD.author_kind
	   OR NEW.author_id IS DISTINCT FROM OLD.author_id
	   OR NEW.author_label IS DISTINCT FROM OLD.author_label
	   OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.body IS DISTINCT FROM OLD.body
	   OR NEW.corrects_id IS DISTINCT FROM OLD.corrects_id THEN
		RAISE EXCEPTION 'journal_note is append-only';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER journal_note_no_delete BEFORE DELETE ON journal_note
FOR EACH ROW EXECUTE FUNCTION nara_append_only();
CREATE TRIGGER journal_note_fixed BEFORE UPDATE ON journal_note
FOR EACH ROW EXECUTE FUNCTION journal_note_fixed();
CREATE TRIGGER decision_append_only BEFORE UPDATE OR DELETE ON decision
FOR EACH ROW EXECUTE FUNCTION nara_append_only();
CREATE TRIGGER case_event_append_only BEFORE UPDATE OR DELETE ON case_event
FOR EACH ROW EXECUTE FUNCTION nara_append_only();

-- The journal, decisions and the case timeline are append-only (R2.1,
-- R2.2): triggers refuse what ordinary code must never do. Of a journal
-- note only the visibility may change (a withheld note released later);
-- each such change is audited by the code that makes it.
CREATE TRIGGER journal_note_no_delete BEFORE DELETE ON journal_note
BEGIN SELECT RAISE(ABORT, 'journal_note is append-only'); END;
CREATE TRIGGER journal_note_fixed BEFORE UPDATE OF id, case_id,
	municipality_id, written_at, author_kind, author_id, author_label, kind,
	body, corrects_id ON journal_note
BEGIN SELECT RAISE(ABORT, 'journal_note is append-only'); END;
CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision
BEGIN SELECT RAISE(ABORT, 'decision is append-only'); END;
CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision
BEGIN SELECT RAISE(ABORT, 'decision is append-only'); END;
CREATE TRIGGER case_event_no_update BEFORE UPDATE ON case_event
BEGIN SELECT RAISE(ABORT, 'case_event is append-only'); END;
CREATE TRIGGER case_event_no_delete BEFORE DELETE ON case_event
BEGIN SELECT RAISE(ABORT, 'case_event is append-only'); END;

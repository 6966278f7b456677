-- Indexes for what the person's pages read on every view. "Who has read this
-- case" (R2.6) finds the staff reads of one case in the audit log, which
-- grows by a row per read of anything: without this index every view of a
-- case walked the whole log. The index ends with the kind of actor and the
-- action, because a case's own rows (the person's reads of their own case,
-- a row each view) far outnumber the staff reads the page lists. A journal
-- note's corrections (R2.1) are found by the note they correct.
CREATE INDEX audit_log_record ON audit_log (record_kind, record_id,
	actor_kind, action, id);
CREATE INDEX journal_note_corrects ON journal_note (corrects_id);

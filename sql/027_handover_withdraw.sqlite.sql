-- An offer taken back (R3.4): the sending committee's officer withdraws a
-- handover that has not been answered, with a reason; the receiving
-- reception can no longer open, accept or decline it, and the case may be
-- offered again. SQLite changes a CHECK only by building the table anew:
-- the parts are kept aside (they refer to the handover), the table is
-- copied into its new shape, and the parts go back, all in this
-- migration's one transaction.
CREATE TEMP TABLE handover_part_keep AS SELECT * FROM handover_part;
DELETE FROM handover_part;
CREATE TABLE handover_new (
	id {{id}},
	from_case_id BIGINT NOT NULL REFERENCES case_file(id),
	from_municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	to_municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	state TEXT NOT NULL CHECK (state IN ('offered', 'accepted', 'declined',
		'withdrawn')),
	kind TEXT NOT NULL,               -- the case's kind and matter, copied
	matter TEXT NOT NULL,
	-- The disclosure decision.
	legal_basis TEXT NOT NULL CHECK (legal_basis IN ('transfer', 'consent')),
	decided_by TEXT NOT NULL,         -- who decided, as recorded
	reasons TEXT NOT NULL,
	offered_by BIGINT NOT NULL REFERENCES staff_user(id),
	offered_by_label TEXT NOT NULL,
	offered_at BIGINT NOT NULL,
	-- The identity part, only when it was chosen; never an address.
	has_identity INTEGER NOT NULL DEFAULT 0 CHECK (has_identity IN (0, 1)),
	personnummer TEXT NOT NULL DEFAULT '',
	given_name TEXT NOT NULL DEFAULT '',
	family_name TEXT NOT NULL DEFAULT '',
	protected_identity INTEGER NOT NULL DEFAULT 0
		CHECK (protected_identity IN (0, 1)),
	fictitious INTEGER NOT NULL DEFAULT 0 CHECK (fictitious IN (0, 1)),
	-- The answer.
	answered_by BIGINT REFERENCES staff_user(id),
	answered_by_label TEXT NOT NULL DEFAULT '',
	answered_at BIGINT,
	decline_reason TEXT NOT NULL DEFAULT '',
	new_case_id BIGINT REFERENCES case_file(id),
	-- Taken back by the sender before an answer.
	withdrawn_at BIGINT,
	withdrawn_by BIGINT REFERENCES staff_user(id),
	withdrawn_by_label TEXT NOT NULL DEFAULT '',
	withdraw_reason TEXT NOT NULL DEFAULT '',
	CHECK (from_municipality_id <> to_municipality_id),
	CHECK ((state = 'accepted') = (new_case_id IS NOT NULL)),
	CHECK (state <> 'declined' OR decline_reason <> ''),
	CHECK (state <> 'withdrawn' OR withdraw_reason <> '')
);

INSERT INTO handover_new (id, from_case_id, from_municipality_id, to_municipality_id, state, kind, matter, legal_basis, decided_by, reasons, offered_by, offered_by_label, offered_at, has_identity, personnummer, given_name, family_name, protected_identity, fictitious, answered_by, answered_by_label, answered_at, decline_reason, new_case_id)
	SELECT id, from_case_id, from_municipality_id, to_municipality_id, state, kind, matter, legal_basis, decided_by, reasons, offered_by, offered_by_label, offered_at, has_identity, personnummer, given_name, family_name, protected_identity, fictitious, answered_by, answered_by_label, answered_at, decline_reason, new_case_id FROM handover;
DROP TABLE handover;
ALTER TABLE handover_new RENAME TO handover;
CREATE INDEX handover_to ON handover (to_municipality_id, state);
CREATE INDEX handover_from_case ON handover (from_case_id);
-- One offer of a case at a time, also when two officers send at once.
CREATE UNIQUE INDEX handover_one_open ON handover (from_case_id)
	WHERE state = 'offered';
INSERT INTO handover_part SELECT * FROM handover_part_keep;
DROP TABLE handover_part_keep;

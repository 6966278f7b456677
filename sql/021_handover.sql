-- A person who moves: the case handed over as a package (DOMAIN.md R3.4,
-- SoL 2 a kap. 10 §), never as shared access. The sending committee's
-- officer chooses the parts that go and records the disclosure decision
-- (R3.2: who decided, the legal basis, the reasons); the package is a
-- snapshot taken then. The receiving municipality's reception accepts it
-- (a NEW case of its own holding copies of exactly those parts, and the
-- sending case is closed) or declines it with a reason. After that each
-- committee reads only its own case (the tenant wall, R3.1).

CREATE TABLE handover (
	id {{id}},
	from_case_id BIGINT NOT NULL REFERENCES case_file(id),
	from_municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	to_municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	state TEXT NOT NULL CHECK (state IN ('offered', 'accepted', 'declined')),
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
	CHECK (from_municipality_id <> to_municipality_id),
	CHECK ((state = 'accepted') = (new_case_id IS NOT NULL)),
	CHECK (state <> 'declined' OR decline_reason <> '')
);
CREATE INDEX handover_to ON handover (to_municipality_id, state);
CREATE INDEX handover_from_case ON handover (from_case_id);
-- One offer of a case at a time, also when two officers send at once.
CREATE UNIQUE INDEX handover_one_open ON handover (from_case_id)
	WHERE state = 'offered';

-- The parts of the package as they were when disclosed. A note keeps the
-- person's visibility it had (a withheld note stays withheld in the new
-- case, with its reason); a document is named here and its bytes copied
-- from the sending case's (append-only) document when accepted.
CREATE TABLE handover_part (
	handover_id BIGINT NOT NULL REFERENCES handover(id),
	seq INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('application', 'report', 'note',
		'decision', 'document')),
	source_id BIGINT NOT NULL,
	written_at BIGINT NOT NULL,
	author_label TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	visibility TEXT NOT NULL DEFAULT 'now'
		CHECK (visibility IN ('now', 'from_date', 'withheld')),
	visible_from BIGINT,
	withheld_reason TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (handover_id, seq)
);

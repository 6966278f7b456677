-- Cases (ärenden) from first contact to closure, the journal, decisions,
-- interventions, reports of concern about children, applications and their
-- forms. Every row of personal data carries the municipality responsible
-- for it (DOMAIN.md R3.1); the legal moves between states live in
-- src/policy/case_flow.c and the clocks in src/policy/clock.c.

-- A case: one matter of one person, handled by one unit of the responsible
-- municipality. person_id is NULL only for a reported child whom staff have
-- not yet identified.
CREATE TABLE case_file (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	person_id BIGINT REFERENCES person(id),
	kind TEXT NOT NULL CHECK (kind IN ('application', 'child_report')),
	matter TEXT NOT NULL,             -- 'financial_assistance', 'child_protection', ...
	state TEXT NOT NULL CHECK (state IN ('received', 'preliminary',
		'investigation', 'decided', 'intervention', 'follow_up', 'closed')),
	reference TEXT NOT NULL UNIQUE,   -- what people quote: 'BJUV-2026-000017'
	received_at BIGINT NOT NULL,      -- arrival: the clocks count from here
	preliminary_due BIGINT,           -- R1.2, child reports
	preliminary_decided_at BIGINT,
	late_reason TEXT NOT NULL DEFAULT '', -- R1.2: a late decision says why
	child_heard INTEGER CHECK (child_heard IN (0, 1)),
	child_not_heard_reason TEXT NOT NULL DEFAULT '',
	investigation_opened_at BIGINT,   -- the first opening; never reset (R1.3)
	investigation_due BIGINT,         -- four months on, or as extended
	reopened INTEGER NOT NULL DEFAULT 0 CHECK (reopened IN (0, 1)),
	closed_at BIGINT,
	closure_reason TEXT NOT NULL DEFAULT '',
	assigned_staff_id BIGINT REFERENCES staff_user(id),
	version BIGINT NOT NULL DEFAULT 1, -- moves with every change to the case or its file
	updated_at BIGINT NOT NULL
);
CREATE INDEX case_file_unit ON case_file (unit_id, state);
CREATE INDEX case_file_person ON case_file (person_id);
CREATE INDEX case_file_assigned ON case_file (assigned_staff_id);

-- The team of a case: staff from any unit of the municipality may be added
-- (DESIGN.md: flexible teams across units).
CREATE TABLE case_member (
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	staff_id BIGINT NOT NULL REFERENCES staff_user(id),
	added_at BIGINT NOT NULL,
	PRIMARY KEY (case_id, staff_id)
);
CREATE INDEX case_member_staff ON case_member (staff_id);

-- The status timeline: every move of the state machine and every change of
-- a clock, with who and why. Append-only.
CREATE TABLE case_event (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	at BIGINT NOT NULL,
	action TEXT NOT NULL,             -- case_flow action, or 'assign', 'protection', ...
	from_state TEXT NOT NULL,
	to_state TEXT NOT NULL,
	actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff', 'citizen', 'system')),
	actor_id BIGINT,
	actor_label TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	due BIGINT                         -- a new due date (extension)
);
CREATE INDEX case_event_case ON case_event (case_id, at);

-- The journal (R2.1–R2.4): notes are append-only, stamped with author and
-- time; a correction is a new note that points at the one it corrects.
-- Visibility to the person: at once, from a date, or withheld with a
-- reason code. Only the visibility columns may change afterwards (a note
-- withheld today may be released tomorrow); triggers refuse everything
-- else (migration 011).
CREATE TABLE journal_note (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	written_at BIGINT NOT NULL,
	author_kind TEXT NOT NULL CHECK (author_kind IN ('staff', 'citizen', 'system')),
	author_id BIGINT,                 -- staff_user.id or person.id
	author_label TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('note', 'report', 'protection',
		'preliminary', 'decision', 'citizen_comment', 'citizen_objection',
		'document', 'message')),
	body TEXT NOT NULL,
	corrects_id BIGINT REFERENCES journal_note(id),
	visibility TEXT NOT NULL CHECK (visibility IN ('now', 'from_date', 'withheld')),
	visible_from BIGINT,
	withheld_reason TEXT NOT NULL DEFAULT ''
		CHECK (withheld_reason IN ('', 'third_party', 'reporter_identity', 'harm')),
	CHECK ((visibility = 'from_date') = (visible_from IS NOT NULL)),
	CHECK ((visibility = 'withheld') = (withheld_reason <> ''))
);
CREATE INDEX journal_note_case ON journal_note (case_id, written_at, id);

-- Decisions (R2.2, R6.3): date, content, who decided under which
-- delegation, who presented, the reasons and how to appeal, as they were
-- communicated. Append-only.
CREATE TABLE decision (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	decided_at BIGINT NOT NULL,
	outcome TEXT NOT NULL CHECK (outcome IN ('granted', 'partly', 'refused')),
	subject TEXT NOT NULL,            -- what was decided about
	content TEXT NOT NULL,
	reasons TEXT NOT NULL,
	legal_basis TEXT NOT NULL DEFAULT '',
	decided_by BIGINT NOT NULL REFERENCES staff_user(id),
	decided_by_label TEXT NOT NULL,
	presented_by BIGINT REFERENCES staff_user(id),
	presented_by_label TEXT NOT NULL DEFAULT '',
	delegation TEXT NOT NULL DEFAULT '',
	appeal TEXT NOT NULL,
	journal_note_id BIGINT REFERENCES journal_note(id)
);
CREATE INDEX decision_case ON decision (case_id, decided_at);

-- The interventions a municipality offers, by level (DOMAIN.md section 7).
CREATE TABLE intervention_kind (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	slug TEXT NOT NULL,
	name TEXT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('universal', 'preventive', 'early',
		'targeted', 'intensive')),
	needs_decision INTEGER NOT NULL DEFAULT 1 CHECK (needs_decision IN (0, 1)),
	description TEXT NOT NULL DEFAULT '',
	UNIQUE (municipality_id, slug)
);

CREATE TABLE case_intervention (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	kind_id BIGINT NOT NULL REFERENCES intervention_kind(id),
	decision_id BIGINT REFERENCES decision(id),
	started_at BIGINT NOT NULL,
	follow_up_due BIGINT,
	ended_at BIGINT,
	end_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_intervention_case ON case_intervention (case_id);

-- A report of concern about a child (orosanmälan). Anyone may report,
-- anonymously; professionals must give name and organisation. The
-- reporter's identity never leaves the responsible unit's staff pages; the
-- reporter keeps a receipt code (only its hash is stored) with which to ask
-- whether an investigation was opened (R1.5). All reports about a child are
-- found from the child (R1.6), including those that led to nothing.
CREATE TABLE child_report (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	child_person_id BIGINT REFERENCES person(id),
	child_name TEXT NOT NULL,
	child_personnummer TEXT NOT NULL DEFAULT '',
	child_details TEXT NOT NULL DEFAULT '',  -- age, school, address: as given
	reporter_kind TEXT NOT NULL CHECK (reporter_kind IN ('anonymous',
		'private', 'professional')),
	reporter_name TEXT NOT NULL DEFAULT '',
	reporter_organisation TEXT NOT NULL DEFAULT '',
	reporter_profession TEXT NOT NULL DEFAULT '',
	reporter_phone TEXT NOT NULL DEFAULT '',
	reporter_email TEXT NOT NULL DEFAULT '',
	concern TEXT NOT NULL,
	received_at BIGINT NOT NULL,
	receipt_hash TEXT NOT NULL UNIQUE,
	-- R1.2, R1.5: it arrived while an investigation of the child was running
	joined_investigation INTEGER NOT NULL DEFAULT 0
		CHECK (joined_investigation IN (0, 1)),
	protection_assessed_at BIGINT,          -- R1.1
	protection_assessed_by BIGINT REFERENCES staff_user(id),
	protection_immediate INTEGER CHECK (protection_immediate IN (0, 1)),
	CHECK (reporter_kind <> 'professional' OR
	       (reporter_name <> '' AND reporter_organisation <> ''))
);
CREATE INDEX child_report_case ON child_report (case_id);
CREATE INDEX child_report_child ON child_report (child_person_id);
CREATE INDEX child_report_unassessed ON child_report (municipality_id, protection_assessed_at);

-- Application forms are data: one definition (JSON) per kind and version;
-- an application keeps the version it was answered on.
CREATE TABLE application_form (
	id {{id}},
	slug TEXT NOT NULL,
	version INTEGER NOT NULL,
	matter TEXT NOT NULL,
	definition TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (slug, version)
);

CREATE TABLE application (
	id {{id}},
	case_id BIGINT NOT NULL UNIQUE REFERENCES case_file(id),
	form_id BIGINT NOT NULL REFERENCES application_form(id),
	submitted_at BIGINT NOT NULL,
	answers TEXT NOT NULL                   -- JSON: {question id: answer}
);

-- Documents in a person's file: attachments from the person or from staff,
-- encrypted at rest under the municipality's key (DESIGN.md: Data).
CREATE TABLE document (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	added_at BIGINT NOT NULL,
	added_by_kind TEXT NOT NULL CHECK (added_by_kind IN ('staff', 'citizen')),
	added_by_id BIGINT,
	added_by_label TEXT NOT NULL,
	filename TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	nonce TEXT NOT NULL,
	ciphertext {{blob}} NOT NULL,
	journal_note_id BIGINT REFERENCES journal_note(id)
);
CREATE INDEX document_case ON document (case_id);

-- Per municipality, the running number of case references of a year.
CREATE TABLE case_reference_seq (
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	year INTEGER NOT NULL,
	last BIGINT NOT NULL,
	PRIMARY KEY (municipality_id, year)
);

-- Support groups (stödgrupper): groups a unit runs, in series of sessions,
-- with participants, a waiting list and attendance. src/domain/group.c
-- keeps the rules; src/policy/group.c says who may see what.
--
-- A group belongs to its host unit and municipality: the enrolments are
-- the host's records (R2.3: the citizen reads their own). A group of a
-- shared unit is open to the residents of its agreement's members; the
-- host's staff read a member's resident only under the agreement in force
-- (R3.3), and the audit row names it.
CREATE TABLE support_group (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	title TEXT NOT NULL,
	audience TEXT NOT NULL CHECK (audience IN ('children', 'young',
		'adults', 'parents')),
	description TEXT NOT NULL DEFAULT '',
	-- 1: anyone it is for may sign up directly (no assessment);
	-- 0: only through a social worker.
	open_signup INTEGER NOT NULL CHECK (open_signup IN (0, 1)),
	created_by BIGINT REFERENCES staff_user(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX support_group_unit ON support_group (unit_id);

-- A series of sessions. `taken` counts the places held (state
-- 'enrolled'): every enrolment change first updates this row, so changes
-- of one series are serialised on both engines (the row lock on
-- PostgreSQL, BEGIN IMMEDIATE on SQLite), and the CHECK makes an
-- overbooking impossible whatever the code above does.
CREATE TABLE support_group_series (
	id {{id}},
	group_id BIGINT NOT NULL REFERENCES support_group(id),
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	sessions INTEGER NOT NULL CHECK (sessions BETWEEN 1 AND 52),
	capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 200),
	taken INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	CHECK (taken >= 0 AND taken <= capacity),
	CHECK (ends_at >= starts_at)
);
CREATE INDEX support_group_series_group ON support_group_series (group_id, starts_at);

-- One meeting of a series: a place, or video.
CREATE TABLE support_group_session (
	id {{id}},
	series_id BIGINT NOT NULL REFERENCES support_group_series(id),
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	place TEXT NOT NULL DEFAULT '',
	video INTEGER NOT NULL DEFAULT 0 CHECK (video IN (0, 1)),
	CHECK (ends_at > starts_at)
);
CREATE INDEX support_group_session_series ON support_group_session (series_id, starts_at);

-- A participant or a place on the waiting list (first come, by id).
-- What the host's staff see: name, e-mail, phone. source 'self': the
-- citizen signed up; 'officer': a case officer enrolled a person from a
-- case with the person's consent (R3.2: who consented, what is shared,
-- to which unit, until when). case_id is the referring case, never shown
-- to the host.
CREATE TABLE group_enrolment (
	id {{id}},
	series_id BIGINT NOT NULL REFERENCES support_group_series(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	home_municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	personnummer TEXT NOT NULL,
	person_id BIGINT REFERENCES person(id),
	name TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL CHECK (state IN ('enrolled', 'waiting',
		'cancelled')),
	source TEXT NOT NULL CHECK (source IN ('self', 'officer')),
	case_id BIGINT REFERENCES case_file(id),
	enrolled_by BIGINT REFERENCES staff_user(id),
	consent_by TEXT NOT NULL DEFAULT '',
	consent_scope TEXT NOT NULL DEFAULT '',
	consent_unit_id BIGINT REFERENCES unit(id),
	consent_until BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	CHECK (source = 'self' OR (case_id IS NOT NULL AND consent_by <> ''
		AND consent_unit_id IS NOT NULL AND consent_until IS NOT NULL))
);
-- One active place (or waiting place) per person and series.
CREATE UNIQUE INDEX group_enrolment_once ON group_enrolment (series_id, personnummer)
	WHERE state IN ('enrolled', 'waiting');
CREATE INDEX group_enrolment_series ON group_enrolment (series_id, state, id);
CREATE INDEX group_enrolment_person ON group_enrolment (personnummer);

-- Attendance per session and participant, marked by the group's leader.
CREATE TABLE group_attendance (
	session_id BIGINT NOT NULL REFERENCES support_group_session(id),
	enrolment_id BIGINT NOT NULL REFERENCES group_enrolment(id),
	present INTEGER NOT NULL CHECK (present IN (0, 1)),
	marked_by BIGINT NOT NULL REFERENCES staff_user(id),
	marked_at BIGINT NOT NULL,
	PRIMARY KEY (session_id, enrolment_id)
);

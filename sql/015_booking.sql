-- Meetings: the hours staff and units publish, the meetings booked in
-- them, interpreters of a shared interpreter service, and the notices
-- (e-mail, SMS) that tell people about their meetings. src/domain/
-- booking.c keeps the rules; src/domain/notify.c sends the notices.
--
-- No two meetings can hold the same time of one resource (a staff member,
-- an interpreter, or a unit's reception): every booked meeting holds the
-- five-minute cells it covers, with its buffer, in booking_cell, whose
-- primary key admits one meeting per resource and cell. The guarantee is
-- the database's own unique index, so it holds on both engines, across
-- threads, loops and nodes, whatever the code above it does.

-- Published hours, weekly: on `weekday` (1 Monday .. 7 Sunday) from
-- start_minute to end_minute, Stockholm's local time, meetings of
-- length_minutes with buffer_minutes after each. kinds: the meeting kinds
-- offered, a set of 'office', 'phone', 'video' written as a bit mask (1, 2,
-- 4). staff_id NULL: the unit's own hours (its reception), not one
-- person's. ended_at: withdrawn; meetings already booked stay.
CREATE TABLE booking_availability (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	staff_id BIGINT REFERENCES staff_user(id),
	weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
	start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1435),
	end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 5 AND 1440),
	kinds INTEGER NOT NULL CHECK (kinds BETWEEN 1 AND 7),
	length_minutes INTEGER NOT NULL CHECK (length_minutes BETWEEN 5 AND 480
		AND length_minutes % 5 = 0),
	buffer_minutes INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0
		AND 120 AND buffer_minutes % 5 = 0),
	created_by BIGINT REFERENCES staff_user(id),
	created_at BIGINT NOT NULL,
	ended_at BIGINT,
	CHECK (start_minute % 5 = 0 AND end_minute % 5 = 0),
	CHECK (start_minute + length_minutes <= end_minute)
);
CREATE INDEX booking_availability_unit ON booking_availability (unit_id, ended_at);

-- The languages an interpreter (a staff user of an 'interpreter' unit)
-- speaks and how they work: modes 1 in person, 2 remote, 3 both.
CREATE TABLE interpreter_language (
	staff_id BIGINT NOT NULL REFERENCES staff_user(id),
	language TEXT NOT NULL,           -- ISO 639-1: 'ar', 'so', 'ti', ...
	modes INTEGER NOT NULL CHECK (modes BETWEEN 1 AND 3),
	PRIMARY KEY (staff_id, language)
);
CREATE INDEX interpreter_language_language ON interpreter_language (language);

-- A meeting. The responsible municipality's record: of a case, or of a
-- first-line contact without one (a person and a unit). The participants
-- are the person (person_id), the officer (staff_id; NULL while a unit's
-- reception has not named one) and the interpreter (interpreter_staff_id,
-- of a shared unit used under interpreter_agreement_id). state:
-- 'proposed' (staff offered times in booking_proposal, nothing is held),
-- 'booked' (its cells are held), 'cancelled'. A rebooked meeting keeps its
-- id and moves its times; version counts every change.
CREATE TABLE booking (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	case_id BIGINT REFERENCES case_file(id),
	person_id BIGINT NOT NULL REFERENCES person(id),
	staff_id BIGINT REFERENCES staff_user(id),
	availability_id BIGINT REFERENCES booking_availability(id),
	kind TEXT NOT NULL CHECK (kind IN ('office', 'phone', 'video')),
	state TEXT NOT NULL CHECK (state IN ('proposed', 'booked', 'cancelled')),
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	buffer_minutes INTEGER NOT NULL DEFAULT 0,
	interpreter_language TEXT NOT NULL DEFAULT '',
	interpreter_mode TEXT NOT NULL DEFAULT ''
		CHECK (interpreter_mode IN ('', 'in_person', 'remote')),
	interpreter_staff_id BIGINT REFERENCES staff_user(id),
	interpreter_unit_id BIGINT REFERENCES unit(id),
	interpreter_agreement_id BIGINT REFERENCES agreement(id),
	booked_by_kind TEXT NOT NULL CHECK (booked_by_kind IN ('staff', 'citizen')),
	booked_by_id BIGINT,
	version BIGINT NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	cancelled_at BIGINT,
	CHECK (ends_at > starts_at),
	CHECK ((interpreter_language = '') = (interpreter_mode = ''))
);
CREATE INDEX booking_person ON booking (person_id, starts_at);
CREATE INDEX booking_staff ON booking (staff_id, starts_at);
CREATE INDEX booking_interpreter ON booking (interpreter_staff_id, starts_at);
CREATE INDEX booking_unit ON booking (unit_id, starts_at);
CREATE INDEX booking_case ON booking (case_id);

-- Times staff propose for a meeting in state 'proposed'; the person
-- accepts one, which books it (and holds its cells) or says it was taken.
CREATE TABLE booking_proposal (
	booking_id BIGINT NOT NULL REFERENCES booking(id),
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	PRIMARY KEY (booking_id, starts_at)
);

-- The time a booked meeting holds: resource_kind 'staff' (an officer or
-- an interpreter) or 'unit' (a unit's reception, when no officer is
-- named), cell = the cell's start in epoch seconds / 300. The primary key
-- is what makes double booking impossible.
CREATE TABLE booking_cell (
	resource_kind TEXT NOT NULL CHECK (resource_kind IN ('staff', 'unit')),
	resource_id BIGINT NOT NULL,
	cell BIGINT NOT NULL,
	booking_id BIGINT NOT NULL REFERENCES booking(id),
	PRIMARY KEY (resource_kind, resource_id, cell)
);
CREATE INDEX booking_cell_booking ON booking_cell (booking_id);

-- Notices that leave the system (an outbox). Texts are written when the
-- notice is queued and carry nothing sensitive: no case, no service, no
-- names (notify.c). A job is claimed in a transaction (state 'sending',
-- claimed_at), sent, then marked 'sent'; a failure puts it back as
-- 'pending' with a later due_at (backoff) until attempts run out
-- ('failed'). A job found 'sending' after a crash is never sent again
-- ('unknown'): at most once. dedupe_key makes queuing the same notice
-- twice a no-op.
CREATE TABLE notice_job (
	id {{id}},
	municipality_id BIGINT REFERENCES municipality(id),
	person_id BIGINT REFERENCES person(id),
	booking_id BIGINT REFERENCES booking(id),
	purpose TEXT NOT NULL,            -- 'booking_confirmed', 'booking_reminder', ...
	channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
	recipient TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL,
	due_at BIGINT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent',
		'failed', 'unknown', 'cancelled')),
	attempts INTEGER NOT NULL DEFAULT 0,
	claimed_at BIGINT,
	sent_at BIGINT,
	last_error TEXT NOT NULL DEFAULT '',
	dedupe_key TEXT NOT NULL UNIQUE,
	created_at BIGINT NOT NULL
);
CREATE INDEX notice_job_due ON notice_job (state, due_at);
CREATE INDEX notice_job_booking ON notice_job (booking_id);

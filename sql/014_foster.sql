-- The foster-home centre (familjehemscentrum): a shared unit of a host
-- municipality that recruits, assesses and matches foster homes for every
-- member of its agreement (DESIGN.md, staff 4), and the placements of
-- children that the responsible committee records in the child's case
-- (DOMAIN.md R1.7). src/domain/foster.c keeps the rules; the pure parts
-- (who is the centre, which home can take a child, the clocks) are in
-- src/policy/foster.c.
--
-- Two owners, two walls. Inquiries, assessments and the register of homes
-- are the personal data of the centre's host municipality
-- (municipality_id): only the centre's own staff read them. Placements,
-- reviews and matching requests belong to the child's case and so to the
-- responsible committee; the centre sees a matching request only as its
-- needs profile (never the case, the child's name or personnummer).

-- An inquiry from the public web: someone interested in becoming a foster
-- home, an emergency home or a contact family. interests: a bit mask of
-- 1 foster home, 2 emergency home, 4 contact family. state: new, being
-- assessed, approved (a foster_home row exists) or declined.
CREATE TABLE foster_inquiry (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	name TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	residence_municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	interests INTEGER NOT NULL CHECK (interests BETWEEN 1 AND 7),
	message TEXT NOT NULL DEFAULT '',
	received_at BIGINT NOT NULL,
	state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'assessing',
		'approved', 'declined')),
	decided_by BIGINT REFERENCES staff_user(id),
	decided_at BIGINT,
	decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX foster_inquiry_unit ON foster_inquiry (unit_id, state);

-- The steps of an assessment, each done once, with its date and a note.
CREATE TABLE foster_step (
	inquiry_id BIGINT NOT NULL REFERENCES foster_inquiry(id),
	step TEXT NOT NULL CHECK (step IN ('first_talk', 'home_visit',
		'references', 'register_checks', 'training', 'report')),
	done_on BIGINT NOT NULL,          -- the local day's midnight (UTC)
	note TEXT NOT NULL DEFAULT '',
	done_by BIGINT NOT NULL REFERENCES staff_user(id),
	recorded_at BIGINT NOT NULL,
	PRIMARY KEY (inquiry_id, step)
);

-- An approved home: the register. kinds: 1 foster home, 2 emergency home.
-- needs: a bit mask of the needs the home can meet (src/policy/foster.h).
CREATE TABLE foster_home (
	id {{id}},
	inquiry_id BIGINT NOT NULL UNIQUE REFERENCES foster_inquiry(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	residence_municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	name TEXT NOT NULL,
	kinds INTEGER NOT NULL CHECK (kinds BETWEEN 1 AND 3),
	places INTEGER NOT NULL CHECK (places BETWEEN 1 AND 10),
	age_min INTEGER NOT NULL CHECK (age_min BETWEEN 0 AND 17),
	age_max INTEGER NOT NULL CHECK (age_max BETWEEN 0 AND 20),
	needs INTEGER NOT NULL DEFAULT 0,
	approved_by BIGINT NOT NULL REFERENCES staff_user(id),
	approved_at BIGINT NOT NULL,
	-- The foster parent who logs in for support (twelve digits), or ''.
	personnummer TEXT NOT NULL DEFAULT '',
	CHECK (age_min <= age_max)
);
CREATE INDEX foster_home_unit ON foster_home (unit_id);
CREATE INDEX foster_home_personnummer ON foster_home (personnummer);

-- A placement of a child, in the child's case: an emergency home (home_id
-- of the register, or a home named in home_label) or a foster home of the
-- register. ended_at: the child has left it. The responsible committee's.
CREATE TABLE foster_placement (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	kind TEXT NOT NULL CHECK (kind IN ('emergency', 'foster')),
	home_id BIGINT REFERENCES foster_home(id),
	home_label TEXT NOT NULL DEFAULT '',
	from_at BIGINT NOT NULL,
	ended_at BIGINT,
	created_by BIGINT NOT NULL REFERENCES staff_user(id),
	created_at BIGINT NOT NULL,
	CHECK (kind = 'emergency' OR home_id IS NOT NULL)
);
CREATE INDEX foster_placement_case ON foster_placement (case_id, from_at);
CREATE INDEX foster_placement_home ON foster_placement (home_id, ended_at);

-- A review of a placement (R1.7: every six months). Append-only.
CREATE TABLE foster_review (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	placement_id BIGINT NOT NULL REFERENCES foster_placement(id),
	reviewed_at BIGINT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL REFERENCES staff_user(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX foster_review_case ON foster_review (case_id, reviewed_at);

-- A matching request from the child's case to the centre: the needs
-- profile only. The centre's pages never read case_id; it is here so the
-- officer's choice lands in the right case. agreement_id: the version in
-- force under which the centre serves the requesting committee (R3.3).
CREATE TABLE foster_match (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	agreement_id BIGINT NOT NULL REFERENCES agreement(id),
	child_age INTEGER NOT NULL CHECK (child_age BETWEEN 0 AND 17),
	child_sex TEXT NOT NULL CHECK (child_sex IN ('girl', 'boy', 'unstated')),
	needs INTEGER NOT NULL DEFAULT 0,
	wanted_from BIGINT NOT NULL,
	emergency_now INTEGER NOT NULL CHECK (emergency_now IN (0, 1)),
	state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'proposed',
		'chosen')),
	created_by BIGINT NOT NULL REFERENCES staff_user(id),
	created_at BIGINT NOT NULL,
	chosen_home_id BIGINT REFERENCES foster_home(id),
	chosen_at BIGINT
);
CREATE INDEX foster_match_unit ON foster_match (unit_id, state);
CREATE INDEX foster_match_case ON foster_match (case_id);

-- The centre's proposals: a home of the register for a request, with what
-- the centre chooses to tell the officer about it (never the address).
CREATE TABLE foster_proposal (
	match_id BIGINT NOT NULL REFERENCES foster_match(id),
	home_id BIGINT NOT NULL REFERENCES foster_home(id),
	disclosed TEXT NOT NULL DEFAULT '',
	proposed_by BIGINT NOT NULL REFERENCES staff_user(id),
	proposed_at BIGINT NOT NULL,
	PRIMARY KEY (match_id, home_id)
);

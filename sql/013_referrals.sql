-- Referrals to shared units and the legal basis of each disclosure
-- (DOMAIN.md R3.2, R3.3). A case officer of the responsible committee
-- refers a case to a shared unit of another municipality that serves it
-- under an agreement; the referral says what is asked and which parts of
-- the file are disclosed, and rests either on the person's consent or on a
-- statutory ground. Whether the shared unit may read is computed at every
-- read (src/policy/referral.c): accepted, the consent neither withdrawn nor
-- expired, the agreement in force at now. Nothing is copied.

-- A consent (samtycke): the person (their row in the responsible
-- committee's records), to which unit, for which parts of the file
-- (scope: the bits of enum referral_part), for which period. A consent an
-- officer asks for waits as 'requested' until the person gives it on Mina
-- sidor; one given in a meeting is recorded by the officer as 'given'.
-- Withdrawn: withdrawn_at set, never deleted.
CREATE TABLE consent (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	person_id BIGINT NOT NULL REFERENCES person(id),
	recipient_unit_id BIGINT NOT NULL REFERENCES unit(id),
	scope INTEGER NOT NULL CHECK (scope > 0),
	purpose TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('requested', 'given')),
	valid_until BIGINT NOT NULL,
	requested_at BIGINT NOT NULL,
	requested_by BIGINT REFERENCES staff_user(id),
	given_at BIGINT,
	given_by TEXT NOT NULL DEFAULT '', -- 'citizen', or the officer's label
	withdrawn_at BIGINT,
	CHECK ((status = 'given') = (given_at IS NOT NULL))
);
CREATE INDEX consent_person ON consent (person_id);

-- A referral (remiss) of a case to a shared unit.
CREATE TABLE referral (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	agreement_id BIGINT NOT NULL REFERENCES agreement(id), -- in force when sent
	asked TEXT NOT NULL,
	parts INTEGER NOT NULL CHECK (parts > 0),
	basis TEXT NOT NULL CHECK (basis IN ('consent', 'statutory')),
	consent_id BIGINT REFERENCES consent(id),
	ground TEXT NOT NULL DEFAULT '',  -- a key of the fixed list in policy/referral.c
	ground_note TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
	created_at BIGINT NOT NULL,
	created_by BIGINT NOT NULL REFERENCES staff_user(id),
	created_by_label TEXT NOT NULL,
	answered_at BIGINT,
	answered_by BIGINT REFERENCES staff_user(id),
	answered_by_label TEXT NOT NULL DEFAULT '',
	decline_reason TEXT NOT NULL DEFAULT '',
	CHECK ((basis = 'consent') = (consent_id IS NOT NULL)),
	CHECK ((basis = 'statutory') = (ground <> ''))
);
CREATE INDEX referral_case ON referral (case_id);
CREATE INDEX referral_unit ON referral (unit_id, status);

-- Where a person stays, as a family-peace centre knows it (DOMAIN.md R4.4:
-- at the centre protected identity is the norm). Recorded by the centre's
-- staff under an open referral, read only by them: never by the
-- responsible committee's own staff, never on the person's pages, never in
-- a message or a note (src/domain/whereabouts.c blocks texts that carry
-- it). Append-only: the latest row is where the person stays now.
CREATE TABLE whereabouts (
	id {{id}},
	referral_id BIGINT NOT NULL REFERENCES referral(id),
	person_id BIGINT NOT NULL REFERENCES person(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	address TEXT NOT NULL,
	postal_code TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	recorded_at BIGINT NOT NULL,
	recorded_by BIGINT NOT NULL REFERENCES staff_user(id),
	recorded_by_label TEXT NOT NULL
);
CREATE INDEX whereabouts_person ON whereabouts (person_id, id);
CREATE INDEX whereabouts_referral ON whereabouts (referral_id, id);

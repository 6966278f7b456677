-- What the walls of the policy layer need to know that the first tables
-- did not hold: whose caseload a person is in (the unit wall, DOMAIN.md
-- R4.1), which staff are named for protected addresses (R4.4), and who is
-- a child's guardian (R2.5).

-- The unit whose caseload holds the person's file. NULL: no unit's yet (a
-- person just registered), open to the municipality's casework roles. The
-- unit is one of the person's own municipality (checked in person_add).
ALTER TABLE person ADD COLUMN unit_id BIGINT REFERENCES unit(id);
CREATE INDEX person_unit ON person (unit_id);

-- Named staff: they see the address of a person with protected identity,
-- and then only of persons in a unit where they do casework.
ALTER TABLE staff_user ADD COLUMN protected_identity_cleared INTEGER NOT NULL
	DEFAULT 0 CHECK (protected_identity_cleared IN (0, 1));

-- Guardianship (vårdnad) as a committee records it: the guardian's person
-- row and the child's, both in that committee's records. The pair of keys
-- below makes the database itself refuse a guardianship that crosses
-- municipalities (R3.1).
CREATE UNIQUE INDEX person_id_municipality ON person (id, municipality_id);
CREATE TABLE guardianship (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	guardian_id BIGINT NOT NULL,
	child_id BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (guardian_id, child_id),
	CHECK (guardian_id <> child_id),
	FOREIGN KEY (guardian_id, municipality_id)
		REFERENCES person (id, municipality_id),
	FOREIGN KEY (child_id, municipality_id)
		REFERENCES person (id, municipality_id)
);
CREATE INDEX guardianship_child ON guardianship (child_id);

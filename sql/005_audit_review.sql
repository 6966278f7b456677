-- The security officer's record that the month's log review was done
-- (DOMAIN.md R4.2): one row per municipality and month, who did it, when,
-- and what they noted.
CREATE TABLE audit_review (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	month TEXT NOT NULL,                -- YYYY-MM, the month reviewed
	reviewed_by BIGINT NOT NULL REFERENCES staff_user(id),
	reviewed_at BIGINT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	UNIQUE (municipality_id, month)
);

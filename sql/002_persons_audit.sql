-- Persons and the audit trail.
--
-- A person row belongs to the municipality responsible for it; the same
-- human known to two committees is two rows, because each committee's
-- record is its own (DOMAIN.md R3.1). Protected identity (R4.4) is a flag
-- the policy layer reads before anything about the person is shown.

CREATE TABLE person (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	personnummer TEXT NOT NULL,       -- twelve digits, YYYYMMDDNNNN, validated
	given_name TEXT NOT NULL,
	family_name TEXT NOT NULL,
	sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'unknown')),
	birth_date TEXT NOT NULL,         -- YYYY-MM-DD
	protected_identity INTEGER NOT NULL DEFAULT 0
		CHECK (protected_identity IN (0, 1)),
	address TEXT NOT NULL DEFAULT '',
	postal_code TEXT NOT NULL DEFAULT '',
	city TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	fictitious INTEGER NOT NULL DEFAULT 0 CHECK (fictitious IN (0, 1)),
	created_at BIGINT NOT NULL,
	UNIQUE (municipality_id, personnummer)
);
CREATE INDEX person_personnummer ON person (personnummer);

-- Append-only and hash-chained: hash = SHA-256(prev_hash | the row's
-- fields), so editing or deleting a row breaks every hash after it
-- (`nara audit verify`). audit_head holds the end of the chain; taking it
-- FOR UPDATE (PostgreSQL) or inside BEGIN IMMEDIATE (SQLite) serialises
-- appends, so the chain has no forks.
CREATE TABLE audit_log (
	id BIGINT PRIMARY KEY,            -- 1, 2, 3, ... with no gaps
	at BIGINT NOT NULL,
	actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff', 'citizen', 'system')),
	actor_id BIGINT,
	actor_label TEXT NOT NULL,
	municipality_id BIGINT,           -- the committee acted for
	agreement_id BIGINT,              -- set when acting under an agreement
	action TEXT NOT NULL,
	record_kind TEXT NOT NULL,
	record_id BIGINT,
	person_id BIGINT,                 -- whose data, for "who has read my file"
	reason TEXT NOT NULL DEFAULT '',
	flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
	request_id TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_person ON audit_log (person_id, at);
CREATE INDEX audit_log_actor ON audit_log (actor_kind, actor_id, at);

CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	last_id BIGINT NOT NULL,
	last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0,
	'0000000000000000000000000000000000000000000000000000000000000000');

-- Tenants and the people who work in them.
--
-- A municipality (kommun) is the tenant: its social-services committee is
-- the legal authority for the personal data it holds (DOMAIN.md R3.1).
-- Units are its teams; a shared unit belongs to a host municipality and
-- serves the members of an agreement (avtalssamverkan, KL 9 kap. 37 §).
-- Times are UTC epoch seconds. {{id}} and friends are filled per engine by
-- db_migrate (src/db/db.c).

CREATE TABLE municipality (
	id {{id}},
	code TEXT NOT NULL UNIQUE,        -- kommunkod, four digits
	slug TEXT NOT NULL UNIQUE,        -- the name in URLs: 'helsingborg'
	name TEXT NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE unit (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	slug TEXT NOT NULL,
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('first_line', 'children_families',
		'adults', 'financial_aid', 'family_peace', 'foster_home',
		'support_groups', 'interpreter', 'administration')),
	shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
	description TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	UNIQUE (municipality_id, slug)
);

-- An agreement is versioned: a change is a new row with version + 1 and
-- the same `series`; nothing may act under a row whose period has ended.
CREATE TABLE agreement (
	id {{id}},
	series BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	host_municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	name TEXT NOT NULL,
	valid_from BIGINT NOT NULL,
	valid_to BIGINT,                  -- NULL: until further notice
	created_at BIGINT NOT NULL,
	UNIQUE (series, version)
);

CREATE TABLE agreement_member (
	agreement_id BIGINT NOT NULL REFERENCES agreement(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	PRIMARY KEY (agreement_id, municipality_id)
);

-- The host's shared units an agreement covers, and what they do for members.
CREATE TABLE agreement_unit (
	agreement_id BIGINT NOT NULL REFERENCES agreement(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	PRIMARY KEY (agreement_id, unit_id)
);
CREATE INDEX agreement_unit_unit ON agreement_unit (unit_id);
CREATE INDEX agreement_member_municipality ON agreement_member (municipality_id);

CREATE TABLE staff_user (
	id {{id}},
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	oidc_issuer TEXT,
	oidc_subject TEXT,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at BIGINT NOT NULL,
	UNIQUE (oidc_issuer, oidc_subject)
);

-- Roles are held per unit (src/policy/policy.h names them).
CREATE TABLE staff_role (
	user_id BIGINT NOT NULL REFERENCES staff_user(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	role TEXT NOT NULL CHECK (role IN ('first_line', 'case_officer',
		'team_lead', 'shared_service', 'municipal_admin',
		'security_officer', 'platform_admin')),
	PRIMARY KEY (user_id, unit_id, role)
);
CREATE INDEX staff_role_unit ON staff_role (unit_id);

-- Sessions and the login flows' short-lived state, in the database so that
-- several nara nodes can serve one person.
--
-- The cookie holds a random token; only its SHA-256 is stored, so a copy of
-- the database does not let anyone take over a session.

CREATE TABLE session (
	token_hash TEXT PRIMARY KEY,
	subject_kind TEXT NOT NULL CHECK (subject_kind IN ('staff', 'citizen')),
	staff_id BIGINT REFERENCES staff_user(id),  -- staff sessions
	personnummer TEXT,                          -- citizen sessions
	csrf TEXT NOT NULL,
	login_method TEXT NOT NULL,                 -- 'oidc', 'dev', 'local'
	user_agent TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	last_seen BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,                 -- the absolute end
	ended_at BIGINT,                            -- logged out
	CHECK ((subject_kind = 'staff' AND staff_id IS NOT NULL) OR
	       (subject_kind = 'citizen' AND personnummer IS NOT NULL))
);
CREATE INDEX session_staff ON session (staff_id);
CREATE INDEX session_citizen ON session (personnummer);

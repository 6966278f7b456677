-- Local staff accounts: a password (and, when turned on, a TOTP second
-- factor) kept by Nära itself, for the first administrator of a
-- municipality and for whoever must get in when the organisation's identity
-- provider cannot be used. Staff who log in through OpenID Connect have no
-- row here. src/domain/local_account.c is the only code that writes it.
--
-- Several nara nodes may serve one database: the failure counter and the
-- lock are rows here, changed with single UPDATE statements, so every node
-- sees the same count and no two nodes can each let a guess through.

CREATE TABLE local_account (
	staff_id BIGINT PRIMARY KEY REFERENCES staff_user(id),
	-- libsodium crypto_pwhash_str: argon2id, salt and cost in one string
	password_hash TEXT NOT NULL,
	password_set_at BIGINT NOT NULL,
	-- failed logins in a row (password or code); back to 0 at a login
	failed_count INTEGER NOT NULL DEFAULT 0,
	-- no login before this time (epoch seconds); 0: not locked
	locked_until BIGINT NOT NULL DEFAULT 0,
	-- the TOTP secret, sealed under NARA_SECRET_KEY for this account
	-- (src/core/sealed.h); NULL: no second factor and none being set up
	totp_secret TEXT,
	-- which key sealed it (a fingerprint, never the key)
	totp_key_id TEXT,
	-- 0: being set up, not yet confirmed with a first code; 1: required
	totp_enabled INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
	-- the last 30-second step whose code was accepted: never again
	totp_last_step BIGINT NOT NULL DEFAULT 0
);

-- Half a login: the password was right and the account wants its code.
-- The cookie holds a random token; only its SHA-256 is stored, as for
-- sessions. A challenge lives five minutes and ends with the login, with
-- a lockout, or with a new challenge for the same account.
CREATE TABLE login_challenge (
	token_hash TEXT PRIMARY KEY,
	staff_id BIGINT NOT NULL REFERENCES staff_user(id),
	csrf TEXT NOT NULL,
	next TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX login_challenge_staff ON login_challenge (staff_id);

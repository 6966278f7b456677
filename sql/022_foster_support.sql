-- After-hours support for foster homes (src/domain/foster.c): a foster
-- parent who logs in (foster_home.personnummer) sends the foster-home
-- centre a message or asks to be called; the centre's staff on call see
-- them and mark them handled. The centre's host's personal data, like the
-- register (sql/014_foster.sql).
CREATE TABLE foster_support (
	id {{id}},
	home_id BIGINT NOT NULL REFERENCES foster_home(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	unit_id BIGINT NOT NULL REFERENCES unit(id),
	kind TEXT NOT NULL CHECK (kind IN ('message', 'call')),
	body TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	call_at BIGINT,                   -- a call wanted then; NULL: as soon as possible
	created_at BIGINT NOT NULL,
	handled_by BIGINT REFERENCES staff_user(id),
	handled_at BIGINT
);
CREATE INDEX foster_support_unit ON foster_support (unit_id, handled_at);
CREATE INDEX foster_support_home ON foster_support (home_id, created_at);

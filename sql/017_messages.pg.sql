-- Secure messages (DESIGN.md: meets by chat or secure message): one thread
-- per case between the person and the case's staff (officer and team).
-- A message is part of the file: append-only like the journal (triggers
-- below), every read and write audited by src/domain/message.c. Staff may
-- copy a message into the journal as a note ("journal this"); the link is
-- its own append-only row, so the message itself never changes.

-- The thread of a case: what the live pages and the worklist need without
-- reading every message. version moves with every message and read
-- receipt (the "thread" live topic); awaiting_staff is 1 while the last
-- message is the person's and no staff reply has followed it.
CREATE TABLE message_thread (
	case_id BIGINT PRIMARY KEY REFERENCES case_file(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	version BIGINT NOT NULL DEFAULT 0,
	last_at BIGINT NOT NULL DEFAULT 0,
	awaiting_staff INTEGER NOT NULL DEFAULT 0 CHECK (awaiting_staff IN (0, 1)),
	awaiting_since BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX message_thread_awaiting ON message_thread (awaiting_staff, case_id);

CREATE TABLE message (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	municipality_id BIGINT NOT NULL REFERENCES municipality(id),
	written_at BIGINT NOT NULL,
	author_kind TEXT NOT NULL CHECK (author_kind IN ('staff', 'citizen')),
	author_id BIGINT,                 -- staff_user.id, or the person's id when known
	author_label TEXT NOT NULL,
	body TEXT NOT NULL
);
CREATE INDEX message_case ON message (case_id, id);

-- Attachments: documents of the case (sealed like every document,
-- src/domain/document.c), named by the message they came with.
CREATE TABLE message_document (
	message_id BIGINT NOT NULL REFERENCES message(id),
	document_id BIGINT NOT NULL REFERENCES document(id),
	PRIMARY KEY (message_id, document_id)
);

-- "Journal this": the note a message was copied into, by whom and when.
CREATE TABLE message_journal (
	message_id BIGINT PRIMARY KEY REFERENCES message(id),
	journal_note_id BIGINT NOT NULL REFERENCES journal_note(id),
	staff_id BIGINT NOT NULL REFERENCES staff_user(id),
	at BIGINT NOT NULL
);

-- Read receipts: per reader, the last message of the thread they have
-- seen. The person's messages show "read" once any staff reader's mark
-- has passed them, and staff messages once the person's has.
CREATE TABLE message_read (
	case_id BIGINT NOT NULL REFERENCES case_file(id),
	reader_kind TEXT NOT NULL CHECK (reader_kind IN ('staff', 'citizen')),
	reader_id BIGINT NOT NULL,
	last_read_id BIGINT NOT NULL,
	read_at BIGINT NOT NULL,
	PRIMARY KEY (case_id, reader_kind, reader_id)
);

-- Messages, their attachments and their journal links are append-only
-- (R2.1); nara_append_only() is migration 011's.
CREATE TRIGGER message_append_only BEFORE UPDATE OR DELETE ON message
FOR EACH ROW EXECUTE FUNCTION nara_append_only();
CREATE TRIGGER message_document_append_only BEFORE UPDATE OR DELETE ON message_document
FOR EACH ROW EXECUTE FUNCTION nara_append_only();
CREATE TRIGGER message_journal_append_only BEFORE UPDATE OR DELETE ON message_journal
FOR EACH ROW EXECUTE FUNCTION nara_append_only();

-- Video meetings (src/domain/video.c, docs/architecture.md "Video and
-- TURN"). nara carries only the messages that set a meeting up
-- (signalling); the sound and picture go between the browsers, through
-- coturn. A room is a booking: whoever may enter is decided from the
-- booking by src/policy/meeting.c at every request.

-- A seat in a meeting's room: one browser of one invited participant,
-- from joining to leaving. id is random (32 hex digits) and names the
-- seat to the other browsers and to coturn (the TURN username), so
-- neither sees who sits there beyond the role. session_hash binds the
-- seat to the login that took it: only that session speaks for it.
CREATE TABLE video_peer (
	id TEXT PRIMARY KEY,
	booking_id BIGINT NOT NULL,
	session_hash TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('citizen', 'officer', 'interpreter')),
	joined_at BIGINT NOT NULL,
	left_at BIGINT
);
CREATE INDEX video_peer_booking ON video_peer (booking_id, left_at);

-- The signalling messages of a room, in order (id), as nara wrote them
-- again after reading them (src/domain/video_signal.c); to_peer NULL:
-- to everyone else in the room. Kept for a day, then deleted at the next
-- join: they are of no use once the meeting has started.
CREATE TABLE video_signal (
	id {{id}},
	booking_id BIGINT NOT NULL,
	from_peer TEXT NOT NULL REFERENCES video_peer(id),
	to_peer TEXT,
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX video_signal_room ON video_signal (booking_id, id);
CREATE INDEX video_signal_created ON video_signal (created_at);

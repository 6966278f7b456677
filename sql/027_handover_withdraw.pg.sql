-- An offer taken back (R3.4): the sending committee's officer withdraws a
-- handover that has not been answered, with a reason; the receiving
-- reception can no longer open, accept or decline it, and the case may be
-- offered again. A new state, and who took it back, when and why.
ALTER TABLE handover DROP CONSTRAINT handover_state_check;
ALTER TABLE handover ADD CONSTRAINT handover_state_check
	CHECK (state IN ('offered', 'accepted', 'declined', 'withdrawn'));
ALTER TABLE handover ADD COLUMN withdrawn_at BIGINT;
ALTER TABLE handover ADD COLUMN withdrawn_by BIGINT REFERENCES staff_user(id);
ALTER TABLE handover ADD COLUMN withdrawn_by_label TEXT NOT NULL DEFAULT '';
ALTER TABLE handover ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE handover ADD CONSTRAINT handover_withdraw_reason
	CHECK (state <> 'withdrawn' OR withdraw_reason <> '');

-- A referral ends (R3.2): the referring committee's case officer or team
-- lead ends it (or takes it back before it was answered), or the shared
-- unit ends it when its work is done. The unit's access closes at its next
-- request, whatever the basis: a statutory ground no longer keeps the door
-- open for as long as the agreement lasts. The row stays, with who ended
-- it, when and why.
ALTER TABLE referral ADD COLUMN ended_at BIGINT;
ALTER TABLE referral ADD COLUMN ended_by BIGINT REFERENCES staff_user(id);
ALTER TABLE referral ADD COLUMN ended_by_label TEXT NOT NULL DEFAULT '';
ALTER TABLE referral ADD COLUMN end_reason TEXT NOT NULL DEFAULT '';

-- Agreements, part two (DOMAIN.md R3.3). Each version of an agreement says
-- which of the case's moves the host's staff may make for a member's
-- committee (delegation), the services it covers in words, and who
-- recorded it. A version is never edited: a change is a new version (the
-- same series, version + 1) whose valid_from ends the previous one.
-- Nothing acts under a version whose period has ended: every lookup asks
-- "in force at now" (src/domain/tenant.c, agreement_in_force).

-- The moves of src/policy/case_flow.c a host's staff may make in a
-- member's case under this version; any move not listed is refused.
CREATE TABLE agreement_delegation (
	agreement_id BIGINT NOT NULL REFERENCES agreement(id),
	decision TEXT NOT NULL CHECK (decision IN ('open_investigation',
		'not_open', 'extend', 'decide', 'start_intervention',
		'follow_up', 'resume', 'close', 'reopen')),
	PRIMARY KEY (agreement_id, decision)
);

ALTER TABLE agreement ADD COLUMN services TEXT NOT NULL DEFAULT '';
ALTER TABLE agreement ADD COLUMN recorded_by BIGINT REFERENCES staff_user(id);
CREATE INDEX agreement_series ON agreement (series, version);

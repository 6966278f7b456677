-- A counter that every change to the public directory moves (municipalities,
-- units, agreements and what they cover). nara keeps rendered directory data
-- per thread and reads only this row per page to know whether it is still
-- true; see src/domain/directory.c. Triggers, not application code, move it,
-- so a change made by any program (the CLI, an administrator's page, psql)
-- is seen by every nara node at once.
CREATE TABLE directory_version (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	version BIGINT NOT NULL
);
INSERT INTO directory_version (id, version) VALUES (1, 1);
CREATE TRIGGER municipality_ins AFTER INSERT ON municipality BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER municipality_upd AFTER UPDATE ON municipality BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER municipality_del AFTER DELETE ON municipality BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER unit_ins AFTER INSERT ON unit BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER unit_upd AFTER UPDATE ON unit BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER unit_del AFTER DELETE ON unit BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER agreement_ins AFTER INSERT ON agreement BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER agreement_upd AFTER UPDATE ON agreement BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER agreement_del AFTER DELETE ON agreement BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER agreement_member_ins AFTER INSERT ON agreement_member BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER agreement_member_upd AFTER UPDATE ON agreement_member BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER agreement_member_del AFTER DELETE ON agreement_member BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER agreement_unit_ins AFTER INSERT ON agreement_unit BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER agreement_unit_upd AFTER UPDATE ON agreement_unit BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER agreement_unit_del AFTER DELETE ON agreement_unit BEGIN UPDATE directory_version SET version = version + 1; END;

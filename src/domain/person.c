/* Persons; see person.h. */
#include "domain/person.h"

#include <time.h>

#include "db/db.h"
#include "domain/audit.h"
#include "domain/personnummer.h"

enum nara_err person_add(struct db *db, const struct person_new *p, int64_t *id)
{
	struct personnummer pnr;
	if (p->given_name == NULL || p->family_name == NULL ||
	    p->given_name[0] == '\0' || p->family_name[0] == '\0' ||
	    p->personnummer == NULL ||
	    personnummer_parse(p->personnummer, (int64_t)time(NULL), &pnr) != NARA_OK)
		return NARA_EINVAL;
	int owned = !db_in_tx(db);
	enum nara_err err = owned ? db_begin(db) : NARA_OK;
	if (err != NARA_OK)
		return err;
	err = db_query_int(
		db, id,
		"INSERT INTO person (municipality_id, personnummer, given_name,"
		" family_name, sex, birth_date, protected_identity, address,"
		" postal_code, city, phone, email, fictitious, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"isssssisssssii", p->municipality_id, pnr.canonical,
		p->given_name, p->family_name, pnr.sex, pnr.birth_date,
		(int64_t)(p->protected_identity ? 1 : 0),
		p->address ? p->address : "", p->postal_code ? p->postal_code : "",
		p->city ? p->city : "", p->phone ? p->phone : "",
		p->email ? p->email : "", (int64_t)(p->fictitious ? 1 : 0),
		(int64_t)time(NULL));
	if (err == NARA_OK) {
		struct audit_entry e = {
			.actor_kind = "system",
			.actor_label = p->actor_label ? p->actor_label : "nara",
			.municipality_id = p->municipality_id,
			.action = "create",
			.record_kind = "person",
			.record_id = *id,
			.person_id = *id,
		};
		err = audit_append(db, &e);
	}
	if (!owned)
		return err;
	if (err != NARA_OK) {
		db_rollback(db);
		return err;
	}
	return db_commit(db);
}

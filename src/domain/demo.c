/*
 * Demo data; see demo.h. Names come from small lists of common Swedish
 * names combined by a fixed-seed generator (xorshift64*), never from
 * rand(), so a run is reproducible on every machine. Personnummer are
 * generated with valid dates and check digits and every demo person is
 * marked fictitious = 1; the base set uses serial numbers 980-999.
 *
 * The extra persons (for benchmarks) use serials 0-979, so they never
 * meet the base set's numbers in the same municipality; the whole space
 * (dates from 1930 to 2024, 980 serials, eleven municipalities) leaves
 * room for the 50 million `nara demo --persons` allows.
 *
 * Every person gets an audit row (action 'create', record_kind 'person')
 * like any other write of personal data, also in the batches of extra
 * persons: one row per batch would leave persons whose creation the log
 * cannot show. It is cheap enough: 100,000 persons take about two seconds
 * on SQLite. On PostgreSQL each person is four round trips (the insert,
 * and the audit head read, row insert and head update), about half a
 * millisecond, so a hundred thousand take most of a minute there.
 *
 * The walls need people behind them: the base persons sit in the
 * caseloads of different units (or none), each municipality's team lead
 * is named for protected addresses, and Bjuv and Helsingborg each have
 * three families (a guardian with a child of 6, one with a child of 15,
 * and a guardian and child with protected identity). The children's ages
 * are counted back from the day the demo is made, so they are right when
 * the tests run and drift as a long-lived demo database ages.
 */
#include "domain/demo.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "domain/audit.h"
#include "domain/guardian.h"
#include "domain/person.h"
#include "domain/personnummer.h"
#include "domain/staff.h"
#include "domain/tenant.h"

static const struct {
	const char *code, *slug, *name;
} municipalities[] = {
	{"1260", "bjuv", "Bjuv"},
	{"1278", "bastad", "Båstad"},
	{"1283", "helsingborg", "Helsingborg"},
	{"1284", "hoganas", "Höganäs"},
	{"1276", "klippan", "Klippan"},
	{"1282", "landskrona", "Landskrona"},
	{"1275", "perstorp", "Perstorp"},
	{"1214", "svalov", "Svalöv"},
	{"1277", "astorp", "Åstorp"},
	{"1292", "angelholm", "Ängelholm"},
	{"1257", "orkelljunga", "Örkelljunga"},
};
enum { NMUNICIPALITIES = sizeof(municipalities) / sizeof(municipalities[0]) };

static const struct {
	const char *slug, *name, *kind, *description;
} units[] = {
	{"forsta-linjen", "Första linjen", "first_line",
	 "Råd och stöd utan att du behöver ansöka. Du kan vara anonym. Vi"
	 " hjälper dig att hitta rätt, till oss eller till en förening."},
	{"barn-och-familj", "Barn och familj", "children_families",
	 "Stöd till barn, unga och föräldrar. Hit kan du vända dig om du är"
	 " orolig för ett barn eller behöver hjälp i din familj."},
	{"vuxen", "Vuxen", "adults",
	 "Stöd vid missbruk, beroende, psykisk ohälsa eller hemlöshet."},
	{"ekonomiskt-bistand", "Ekonomiskt bistånd", "financial_aid",
	 "Hjälp när du inte kan försörja dig. Du kan ansöka digitalt."},
	{"administration", "Administration", "administration",
	 "Socialnämndens kansli. Hit kan du vända dig om du vill läsa allmänna"
	 " handlingar eller få veta vad som står om dig."},
};
enum { NUNITS = sizeof(units) / sizeof(units[0]) };

/* The shared units the seeds propose, and the municipality that hosts each. */
static const struct {
	const char *host, *slug, *name, *kind, *description, *agreement;
	/* The moves the host's staff may make in members' cases (R3.3). */
	const char *delegation[4];
} shared_units[] = {
	{"helsingborg", "familjefridscenter", "Familjefridscenter", "family_peace",
	 "Stöd till dig som har utsatts för våld eller hot i en nära"
	 " relation, till barn som har upplevt våld och till dig som vill"
	 " sluta använda våld.",
	 "Avtal om gemensamt familjefridscenter",
	 {"decide", "start_intervention", "follow_up", "resume"}},
	{"helsingborg", "digital-tolktjanst", "Digital tolktjänst", "interpreter",
	 "Tolk på plats, per telefon eller på video till möten med"
	 " socialtjänsten. Tolken har tystnadsplikt.",
	 "Avtal om digital tolktjänst",
	 {NULL}},
	{"angelholm", "familjehemscentrum", "Familjehemscentrum", "foster_home",
	 "Vi söker, utbildar och stöttar familjehem och jourhem åt alla"
	 " kommunerna. Vill du bli familjehem? Hör av dig.",
	 "Avtal om gemensamt familjehemscentrum",
	 {"start_intervention", "follow_up", NULL}},
	{"landskrona", "stodgrupper", "Stödgrupper i nordvästra Skåne",
	 "support_groups",
	 "Gruppverksamhet för barn och vuxna, till exempel för barn i familjer"
	 " med missbruk eller separation. Vissa grupper kan du anmäla dig till"
	 " direkt.",
	 "Avtal om gemensamma stödgrupper",
	 {"start_intervention", "follow_up", NULL}},
};
enum { NSHARED = sizeof(shared_units) / sizeof(shared_units[0]) };
_Static_assert(NMUNICIPALITIES * NUNITS + NSHARED <= 100,
	       "one fictitious landline number per unit");

/* cleared: named for protected addresses in their unit (R4.4). */
static const struct {
	const char *suffix, *role, *unit;
	int cleared;
} staff_roles[] = {
	{"handlaggare", "case_officer", "barn-och-familj", 0},
	{"handlaggare2", "case_officer", "vuxen", 0},
	{"forstalinjen", "first_line", "forsta-linjen", 0},
	{"teamledare", "team_lead", "barn-och-familj", 1},
	{"admin", "municipal_admin", "administration", 0},
	{"sakerhet", "security_officer", "administration", 0},
};
enum { NSTAFF = sizeof(staff_roles) / sizeof(staff_roles[0]) };

static const char *const given_female[] = {
	"Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Emma", "Kerstin",
	"Ingrid", "Malin", "Elin", "Linnéa", "Fatima", "Amira", "Sofia", "Åsa"};
static const char *const given_male[] = {
	"Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Mikael", "Ali",
	"Mohammed", "Oskar", "Lucas", "Björn", "Göran", "Hugo", "Elias", "Örjan"};
static const char *const family[] = {
	"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson",
	"Olsson", "Persson", "Svensson", "Gustafsson", "Pettersson", "Jönsson",
	"Hansson", "Lindqvist", "Bengtsson", "Öberg", "Håkansson", "Ahmadi",
	"Yilmaz", "Nguyen"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * xorshift64*: small, fast, and the same everywhere. Only the high half of
 * the product is returned: its low bits are the generator's weakest, and
 * the callers take small remainders.
 */
static uint64_t next(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return (x * 0x2545F4914F6CDD1Dull) >> 32;
}

/* A date from 1930-01-01 on, n days in, as year/month/day. */
static void date_from_index(long n, int *y, int *m, int *d)
{
	struct tm tm = {.tm_year = 30, .tm_mon = 0, .tm_mday = 1 + (int)n,
			.tm_hour = 12};
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

/*
 * Telephone numbers PTS keeps out of use for film, books and the like, so
 * that a curious reader who dials one reaches nobody: the landline series
 * 040-628 04 00 to 99 (shaped like a municipal switchboard number,
 * 0XX-NNN NN NN) and the mobile series 070-174 06 05 to 99. Units get a
 * landline number each (59 of the 100), persons a mobile one.
 */
enum { FICTION_MOBILE_FIRST = 5, FICTION_MOBILE_COUNT = 95 };

static void unit_phone(int n, char out[24])
{
	snprintf(out, 24, "040-628 04 %02d", n % 100);
}

/* Days from 1930 to the end of 2024: birth dates stay in the past. */
enum { DATE_SPAN = 34697 };

/*
 * Whose caseload each of the twenty base persons of a municipality is in:
 * most in Barn och familj, some in Vuxen and Ekonomiskt bistånd, the last
 * two in none yet. The login page's development list shows persons 0, 1
 * and 3; 0 and 3 (protected) are Barn och familj's, 1 is Vuxen's, so a
 * case officer of Barn och familj meets the unit wall with person 1.
 */
static const char *base_unit(int k)
{
	if (k == 1 || (k >= 8 && k <= 13))
		return "vuxen";
	if (k >= 14 && k <= 17)
		return "ekonomiskt-bistand";
	if (k >= 18)
		return NULL;
	return "barn-och-familj";
}

static enum nara_err add_person(struct db *db, int64_t municipality_id,
				int64_t unit_id, long index, int serial,
				uint64_t *rng, int protected_identity,
				const char *city)
{
	int y, m, d;
	date_from_index(index % DATE_SPAN, &y, &m, &d);
	char pnr[13];
	personnummer_make(y, m, d, serial, pnr);
	/* The ninth digit says the legal sex: even for women. */
	int female = (pnr[10] - '0') % 2 == 0;
	const char *given = female
		? given_female[next(rng) % COUNT(given_female)]
		: given_male[next(rng) % COUNT(given_male)];
	const char *fam = family[next(rng) % COUNT(family)];
	char address[64], phone[24];
	snprintf(address, sizeof(address), "%s %d",
		 (const char *[]){"Storgatan", "Kyrkogatan", "Parkvägen",
				  "Skolgatan", "Ängsvägen"}[next(rng) % 5],
		 (int)(next(rng) % 60) + 1);
	snprintf(phone, sizeof(phone), "070-174 06 %02d",
		 FICTION_MOBILE_FIRST + (int)(next(rng) % FICTION_MOBILE_COUNT));
	struct person_new p = {
		.municipality_id = municipality_id,
		.unit_id = unit_id,
		.personnummer = pnr,
		.given_name = given,
		.family_name = fam,
		.protected_identity = protected_identity,
		.fictitious = 1,
		.address = address,
		.postal_code = "25225",
		.city = city,
		.phone = phone,
		.actor_label = "nara demo",
	};
	int64_t id;
	return person_add(db, &p, &id);
}

/*
 * The families, with names fixed so that a demo (and a test) can ask for
 * "Sara Lind, Bjuv". Both persons of a family are in Barn och familj's
 * caseload; the protected family is protected, guardian and child.
 */
static const struct {
	const char *family, *guardian, *child;
	int guardian_female, child_female;
	int guardian_born[3]; /* year, month, day */
	int child_age;        /* whole years on the day the demo is made */
	int protected_identity;
	const char *address;
} families[] = {
	{"Lind", "Sara", "Alva", 1, 1, {1988, 4, 12}, 6, 0, "Ängsvägen 12"},
	{"Berg", "Johan", "Nils", 0, 0, {1981, 9, 3}, 15, 0, "Skolgatan 7"},
	{"Ek", "Maria", "Olle", 1, 0, {1990, 1, 23}, 9, 1, "Parkvägen 31"},
};
static const char *const family_places[] = {"bjuv", "helsingborg"};
enum { NFAMILY_PLACES = sizeof(family_places) / sizeof(family_places[0]) };

/*
 * A personnummer for a date with the legal sex wanted, from the serials
 * 980-999 that the extra persons never use; the first one nobody has yet,
 * so a family member never meets a base person born on the same day, and
 * the Bjuv family and the Helsingborg family are different people.
 */
static enum nara_err free_personnummer(struct db *db, int y, int m, int d,
				       int female, char out[13])
{
	for (int serial = female ? 998 : 999; serial >= 980; serial -= 2) {
		personnummer_make(y, m, d, serial, out);
		int64_t taken = 0;
		enum nara_err err = db_query_int(
			db, &taken,
			"SELECT count(*) FROM person WHERE personnummer = ?",
			"s", out);
		if (err != NARA_OK || !taken)
			return err;
	}
	return NARA_ECONFLICT;
}

static enum nara_err add_family_member(struct db *db, int64_t municipality_id,
				       int64_t unit_id, const char *given,
				       const char *family_name, int female,
				       int y, int m, int d, int protected_identity,
				       const char *address, const char *city,
				       int64_t *id)
{
	char pnr[13], phone[24];
	enum nara_err err = free_personnummer(db, y, m, d, female, pnr);
	if (err != NARA_OK)
		return err;
	snprintf(phone, sizeof(phone), "070-174 06 %02d",
		 FICTION_MOBILE_FIRST + (d * 7 + m) % FICTION_MOBILE_COUNT);
	struct person_new p = {
		.municipality_id = municipality_id,
		.unit_id = unit_id,
		.personnummer = pnr,
		.given_name = given,
		.family_name = family_name,
		.protected_identity = protected_identity,
		.fictitious = 1,
		.address = address,
		.postal_code = "25225",
		.city = city,
		.phone = phone,
		.actor_label = "nara demo",
	};
	return person_add(db, &p, id);
}

static enum nara_err add_families(struct db *db, int64_t municipality_id,
				  const char *city)
{
	int64_t unit = 0;
	enum nara_err err =
		unit_id_by_slug(db, municipality_id, "barn-och-familj", &unit);
	/* Today in UTC; a child's birthday is a hundred days past. */
	time_t now = time(NULL);
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]) &&
			   err == NARA_OK;
	     f++) {
		int64_t guardian, child;
		err = add_family_member(db, municipality_id, unit,
					families[f].guardian, families[f].family,
					families[f].guardian_female,
					families[f].guardian_born[0],
					families[f].guardian_born[1],
					families[f].guardian_born[2],
					families[f].protected_identity,
					families[f].address, city, &guardian);
		struct tm tm;
		gmtime_r(&now, &tm);
		tm.tm_year -= families[f].child_age;
		tm.tm_mday -= 100;
		tm.tm_hour = 12;
		time_t born = timegm(&tm);
		gmtime_r(&born, &tm);
		if (err == NARA_OK)
			err = add_family_member(db, municipality_id, unit,
						families[f].child, families[f].family,
						families[f].child_female,
						tm.tm_year + 1900, tm.tm_mon + 1,
						tm.tm_mday,
						families[f].protected_identity,
						families[f].address, city, &child);
		if (err == NARA_OK)
			err = guardianship_add(db, municipality_id, guardian, child,
					       "nara demo");
	}
	return err;
}

static enum nara_err add_base(struct db *db)
{
	int64_t mid[NMUNICIPALITIES];
	int64_t shared_unit_id[NSHARED];
	enum nara_err err = NARA_OK;
	uint64_t rng = 0x4e415241u; /* "NARA" */

	for (size_t i = 0; i < NMUNICIPALITIES && err == NARA_OK; i++) {
		err = municipality_add(db, municipalities[i].code,
				       municipalities[i].slug,
				       municipalities[i].name, &mid[i]);
		for (size_t u = 0; u < NUNITS && err == NARA_OK; u++) {
			char phone[24];
			unit_phone((int)(i * NUNITS + u), phone);
			int64_t uid;
			err = unit_add(db, mid[i], units[u].slug, units[u].name,
				       units[u].kind, 0, units[u].description,
				       phone, &uid);
		}
	}
	/* The shared units and their agreements, with every other municipality as a member. */
	for (size_t s = 0; s < NSHARED && err == NARA_OK; s++) {
		size_t host = 0;
		while (strcmp(municipalities[host].slug, shared_units[s].host) != 0)
			host++;
		char phone[24];
		unit_phone((int)(NMUNICIPALITIES * NUNITS + s), phone);
		err = unit_add(db, mid[host], shared_units[s].slug,
			       shared_units[s].name, shared_units[s].kind, 1,
			       shared_units[s].description, phone,
			       &shared_unit_id[s]);
		int64_t agreement;
		/* In force from 2025-01-01, until further notice. */
		if (err == NARA_OK)
			err = agreement_add(db, mid[host], shared_units[s].agreement,
					    1735689600, 0, &agreement);
		for (size_t i = 0; i < NMUNICIPALITIES && err == NARA_OK; i++)
			if (i != host)
				err = agreement_add_member(db, agreement, mid[i]);
		if (err == NARA_OK)
			err = agreement_add_unit(db, agreement, shared_unit_id[s]);
		for (size_t d = 0; d < 4 && shared_units[s].delegation[d] &&
				   err == NARA_OK;
		     d++)
			err = agreement_add_delegation(
			    db, agreement, shared_units[s].delegation[d]);
	}
	/* Staff: every role in every municipality, and the shared units' own. */
	for (size_t i = 0; i < NMUNICIPALITIES && err == NARA_OK; i++) {
		for (size_t k = 0; k < NSTAFF && err == NARA_OK; k++) {
			char username[64], name[64];
			snprintf(username, sizeof(username), "%s.%s",
				 municipalities[i].slug, staff_roles[k].suffix);
			snprintf(name, sizeof(name), "%s %s",
				 (next(&rng) & 1)
					 ? given_female[next(&rng) % COUNT(given_female)]
					 : given_male[next(&rng) % COUNT(given_male)],
				 family[next(&rng) % COUNT(family)]);
			struct staff_new sn = {.municipality_id = mid[i],
					       .username = username,
					       .display_name = name};
			int64_t user, unit;
			err = staff_add(db, &sn, &user);
			if (err == NARA_OK)
				err = unit_id_by_slug(db, mid[i], staff_roles[k].unit, &unit);
			if (err == NARA_OK)
				err = staff_grant_role(db, user, unit, staff_roles[k].role);
			if (err == NARA_OK && staff_roles[k].cleared)
				err = staff_set_protected_clearance(db, user, 1);
		}
	}
	for (size_t s = 0; s < NSHARED && err == NARA_OK; s++) {
		size_t host = 0;
		while (strcmp(municipalities[host].slug, shared_units[s].host) != 0)
			host++;
		char username[64], name[64];
		snprintf(username, sizeof(username), "%s.%s",
			 municipalities[host].slug, shared_units[s].slug);
		snprintf(name, sizeof(name), "%s %s",
			 given_female[next(&rng) % COUNT(given_female)],
			 family[next(&rng) % COUNT(family)]);
		struct staff_new sn = {.municipality_id = mid[host],
				       .username = username, .display_name = name};
		int64_t user;
		err = staff_add(db, &sn, &user);
		if (err == NARA_OK)
			err = staff_grant_role(db, user, shared_unit_id[s], "shared_service");
	}
	if (err == NARA_OK) {
		struct staff_new sn = {.municipality_id = mid[2],
				       .username = "plattform.admin",
				       .display_name = "Plattformens administratör"};
		int64_t user, unit;
		err = staff_add(db, &sn, &user);
		if (err == NARA_OK)
			err = unit_id_by_slug(db, mid[2], "administration", &unit);
		if (err == NARA_OK)
			err = staff_grant_role(db, user, unit, "platform_admin");
	}
	/* Twenty citizens per municipality; every seventh has protected identity. */
	for (size_t i = 0; i < NMUNICIPALITIES && err == NARA_OK; i++) {
		for (int k = 0; k < 20 && err == NARA_OK; k++) {
			int64_t unit = 0;
			if (base_unit(k) != NULL)
				err = unit_id_by_slug(db, mid[i], base_unit(k), &unit);
			if (err == NARA_OK)
				err = add_person(db, mid[i], unit,
						 (long)(i * 997 + (size_t)k * 1571),
						 980 + k, &rng, (k % 7) == 3,
						 municipalities[i].name);
		}
	}
	for (size_t f = 0; f < NFAMILY_PLACES && err == NARA_OK; f++) {
		size_t i = 0;
		while (strcmp(municipalities[i].slug, family_places[f]) != 0)
			i++;
		err = add_families(db, mid[i], municipalities[i].name);
	}
	return err;
}

enum nara_err demo_fill(struct db *db, long extra_persons,
			void (*progress)(long done, long total, void *arg),
			void *arg)
{
	return demo_fill_at(db, extra_persons, 0, progress, arg);
}

enum nara_err demo_fill_at(struct db *db, long extra_persons,
			   int64_t cases_at,
			   void (*progress)(long done, long total, void *arg),
			   void *arg)
{
	int64_t have = 0;
	enum nara_err err = db_query_int(
		db, &have, "SELECT count(*) FROM municipality WHERE slug = 'helsingborg'", "");
	if (err != NARA_OK)
		return err;
	if (!have) {
		if ((err = db_begin(db)) != NARA_OK)
			return err;
		err = add_base(db);
		if (err == NARA_OK)
			err = demo_add_interventions(db);
		if (err != NARA_OK) {
			db_rollback(db);
			return err;
		}
		if ((err = db_commit(db)) != NARA_OK)
			return err;
	}
	if (cases_at != 0 && (err = demo_add_cases(db, cases_at)) != NARA_OK)
		return err;
	/* Support groups (demo_groups.c), on `nara demo`'s clock. */
	if (cases_at != 0 && (err = demo_add_groups(db, cases_at)) != NARA_OK)
		return err;
	if (extra_persons <= 0)
		return NARA_OK;

	int64_t mid[NMUNICIPALITIES];
	for (size_t i = 0; i < NMUNICIPALITIES; i++)
		if ((err = municipality_id_by_slug(db, municipalities[i].slug, &mid[i])) != NARA_OK)
			return err;
	/* Continue numbering after the persons already there, so runs add up. */
	int64_t start = 0;
	if ((err = db_query_int(db, &start, "SELECT count(*) FROM person", "")) != NARA_OK)
		return err;
	uint64_t rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)start;
	const long batch = 2000;
	for (long done = 0; done < extra_persons;) {
		long n = extra_persons - done < batch ? extra_persons - done : batch;
		if ((err = db_begin(db)) != NARA_OK)
			return err;
		for (long k = 0; k < n && err == NARA_OK; k++) {
			long index = (long)start + done + k;
			size_t m = (size_t)index % NMUNICIPALITIES;
			/* Serials 0..979 by index; 980..999 are the base set's. */
			int serial = (int)((index / DATE_SPAN) % 980);
			err = add_person(db, mid[m], 0, index, serial, &rng,
					 index % 97 == 0, municipalities[m].name);
		}
		if (err != NARA_OK) {
			db_rollback(db);
			return err;
		}
		if ((err = db_commit(db)) != NARA_OK)
			return err;
		done += n;
		if (progress != NULL)
			progress(done, extra_persons, arg);
	}
	return NARA_OK;
}

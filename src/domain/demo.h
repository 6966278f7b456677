/*
 * The demo: the eleven Familjen Helsingborg municipalities with their
 * units, the shared units the seed documents propose (a family-peace
 * centre, a foster-home centre, support groups, a digital interpreter
 * service) under agreements, staff in every role, and fictitious citizens.
 * Deterministic: the same run gives the same names, so tests can use them.
 */
#ifndef NARA_DEMO_H
#define NARA_DEMO_H

#include <stdint.h>

#include "core/err.h"

struct db;

/*
 * Creates the base set if the municipalities are not there yet (a second
 * run adds nothing), then extra_persons more persons spread over the
 * municipalities, in transactions of a few thousand, calling progress
 * after each (progress may be NULL).
 */
enum nara_err demo_fill(struct db *db, long extra_persons,
			void (*progress)(long done, long total, void *arg),
			void *arg);

/*
 * demo_fill, and then the demo cases placed around the clock cases_at
 * (epoch seconds; 0: no cases, which is demo_fill). `nara demo` passes
 * the time it runs; tests that want an empty case table use demo_fill.
 */
enum nara_err demo_fill_at(struct db *db, long extra_persons, int64_t cases_at,
			   void (*progress)(long done, long total, void *arg),
			   void *arg);

/* The catalogue of interventions in every municipality (demo_cases.c). */
enum nara_err demo_add_interventions(struct db *db);

/*
 * The demo cases (demo_cases.c) in every municipality that has none yet,
 * each in its own transactions through the case domain: reports, their
 * assessments and decisions, applications, a long journal.
 */
enum nara_err demo_add_cases(struct db *db, int64_t now);

/*
 * The case of "Mina sidor": a known citizen's application with released,
 * corrected, delayed and withheld notes, a private reporter, a decision
 * and a staff read (demo_citizen_case.c), made by `nara demo` after
 * demo_fill. Once; later runs add nothing. Not part of demo_fill, whose
 * base set the unit tests count on.
 */
enum nara_err demo_add_citizen_case(struct db *db, int64_t now);

/*
 * The demo's meeting hours, interpreters and e-mail addresses
 * (demo_booking.c), after the citizen case. Once.
 */
enum nara_err demo_add_bookings(struct db *db, int64_t now);

/*
 * The foster-home centre's inquiries and approved homes (demo_foster.c),
 * after the bookings. Once.
 */
enum nara_err demo_add_foster(struct db *db, int64_t now);

/*
 * The demo's support groups (demo_groups.c): Landskrona's shared unit's
 * groups and two of members' own units, each with a coming series. Once.
 */
enum nara_err demo_add_groups(struct db *db, int64_t now);

#endif

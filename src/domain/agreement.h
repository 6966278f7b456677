/*
 * Agreements as a municipal administrator records them (DOMAIN.md R3.3,
 * avtalssamverkan, KL 9 kap. 37 §): the agreements a municipality hosts
 * or is a member of, each a series of versions. The host's administrator
 * records a new agreement (version 1), makes a change as a NEW version of
 * the same series (version + 1, starting at its valid_from, which ends the
 * previous version at that moment), or ends the agreement (sets valid_to
 * of the version in force). A version is never edited otherwise; a
 * version whose period has ended is never changed; two versions of one
 * series are never in force at once, because each new one ends the one
 * before at its own start. Members' administrators read, they do not
 * write.
 *
 * The rows are written with tenant.c's agreement_add* (which leave their
 * system rows), and each action leaves one audit row more, with the
 * administrator as its actor, in the same transaction.
 *
 * Errors: NARA_EDENIED when the actor is no municipal administrator, or
 * not the host's when writing; NARA_ENOTFOUND for a series the actor's
 * municipality neither hosts nor is a member of (answered like one that
 * does not exist); NARA_EINVAL with *why a catalogue key for bad input;
 * NARA_ECONFLICT with *why for a version that changed meanwhile or has
 * ended.
 */
#ifndef NARA_AGREEMENT_H
#define NARA_AGREEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/err.h"

struct db;
struct actor;

enum {
	AGREEMENT_MAX_MEMBERS = 64,
	AGREEMENT_MAX_UNITS = 32,
	AGREEMENT_NAME_MAX = 200,
	AGREEMENT_SERVICES_MAX = 2000
};

struct agreement_party {
	int64_t id;
	const char *name;
};

/* One version as the pages show it. */
struct agreement_version {
	int64_t id, series, version;
	int64_t host_id;
	const char *host_name, *name, *services, *recorded_by;
	int64_t valid_from, valid_to; /* valid_to 0: until further notice */
	int64_t created_at;
	struct agreement_party *members;
	size_t nmembers;
	struct agreement_party *units;
	size_t nunits;
	unsigned delegation; /* bit (1u << enum case_action) per move */
	int in_force;	     /* as of now */
	int ended;	     /* valid_to <= now */
	int upcoming;	     /* valid_from > now */
};

/*
 * The agreements the actor's municipality hosts or is a member of: the
 * newest version of each series, newest series first. *host_count: how
 * many the actor's municipality hosts.
 */
enum nara_err agreement_list_for(struct db *db, struct arena *a,
				 const struct actor *who, int64_t now,
				 struct agreement_version **out, size_t *count);

/*
 * One series, newest version first (versions[0] is the newest).
 * *can_write: the actor is the host's administrator.
 */
enum nara_err agreement_series_read(struct db *db, struct arena *a,
				    const struct actor *who, int64_t series,
				    int64_t now,
				    struct agreement_version **versions,
				    size_t *count, int *can_write);

/* What the administrator gives for a new agreement or a new version. */
struct agreement_input {
	const char *name, *services;
	const int64_t *members; /* municipality ids, not the host */
	size_t nmembers;
	const int64_t *units; /* shared units of the host */
	size_t nunits;
	unsigned delegation; /* bit (1u << enum case_action) per move */
	int64_t valid_from, valid_to; /* valid_to 0: until further notice */
};

/* Version 1 of a new series hosted by the actor's municipality. */
enum nara_err agreement_record(struct db *db, const struct actor *who,
			       const struct agreement_input *in, int64_t now,
			       int64_t *id, const char **why);

/*
 * A new version of the series: expected_id is the newest version the
 * form was drawn on. Its valid_from must be after the newest version's,
 * not before today (now less a day) and before the newest version's
 * valid_to when it has one; the newest version then ends at it.
 */
enum nara_err agreement_change(struct db *db, const struct actor *who,
			       int64_t series, int64_t expected_id,
			       const struct agreement_input *in, int64_t now,
			       int64_t *id, const char **why);

/*
 * Ends the series at valid_to: the newest version's valid_to is set. It
 * must be after the version's valid_from, not before today (now less a
 * day), and the version must not have ended already.
 */
enum nara_err agreement_end(struct db *db, const struct actor *who,
			    int64_t series, int64_t expected_id,
			    int64_t valid_to, int64_t now, const char **why);

/* Every municipality of the platform, for the members' checkboxes. */
enum nara_err agreement_municipalities(struct db *db, struct arena *a,
				       struct agreement_party **out,
				       size_t *count);

/* The shared units of a municipality, for the units' checkboxes. */
enum nara_err agreement_shared_units(struct db *db, struct arena *a,
				     int64_t municipality_id,
				     struct agreement_party **out,
				     size_t *count);

#endif

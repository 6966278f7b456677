/*
 * Referrals to shared units (DOMAIN.md R3.2, R3.3): may the shared unit
 * read the disclosed parts of a case now? Pure functions: the domain
 * (src/domain/referral.c, src/domain/case.c) loads the facts of one
 * referral (its answer, its consent, whether the agreement is in force at
 * now) and asks here at every read. Nothing is copied, so a withdrawn or
 * expired consent, or an agreement that has ended, closes the door at
 * once.
 */
#ifndef NARA_POLICY_REFERRAL_H
#define NARA_POLICY_REFERRAL_H

#include <stddef.h>
#include <stdint.h>

/* The parts of a file a referral may disclose; a bit each. */
enum referral_part {
	PART_IDENTITY = 1, /* name, personnummer, birth date */
	PART_CONTACT = 2,  /* address, phone, e-mail (never a protected one) */
	PART_MATTER = 4, /* what the case is about: the application or report */
	PART_JOURNAL = 8,   /* journal notes the person may read themselves */
	PART_DECISIONS = 16 /* decisions with their reasons */
};
enum { REFERRAL_PARTS_ALL = 31, REFERRAL_NPARTS = 5 };

/* The parts in order, for forms and pages: bit and name ("identity"). */
struct referral_part_name {
	unsigned bit;
	const char *name;
};
extern const struct referral_part_name referral_parts[REFERRAL_NPARTS];

enum referral_status { REF_PENDING, REF_ACCEPTED, REF_DECLINED };
enum referral_basis { BASIS_CONSENT, BASIS_STATUTORY };

/* The facts of one referral at one instant. Times are epoch seconds. */
struct referral_facts {
	enum referral_status status;
	enum referral_basis basis;
	/* BASIS_CONSENT: */
	int consent_given;	   /* 0: asked of the person, not given yet */
	int64_t consent_until;	   /* valid until (exclusive) */
	int64_t consent_withdrawn; /* 0: not withdrawn */
	unsigned consent_scope;	   /* the parts the consent covers */
	unsigned parts;		   /* the parts the referral discloses */
	/* BASIS_STATUTORY: the ground is on the fixed list. */
	int ground_known;
	/* An agreement in force at now covers the unit and the member. */
	int agreement_in_force;
	/* When the referral was ended (0: it has not been), by either side. */
	int64_t ended_at;
};

enum referral_access {
	REFERRAL_OPEN,	       /* the disclosed parts may be read */
	REFERRAL_NOT_ACCEPTED, /* pending: only what is asked, no person */
	REFERRAL_DECLINED,     /* nothing */
	REFERRAL_NO_CONSENT,   /* asked of the person, not given */
	REFERRAL_WITHDRAWN,    /* the person withdrew their consent */
	REFERRAL_EXPIRED,      /* the consent's period has ended */
	REFERRAL_OUT_OF_SCOPE, /* the consent does not cover the parts */
	REFERRAL_NO_GROUND,    /* a statutory ground not on the list */
	REFERRAL_NO_AGREEMENT, /* no agreement in force at now */
	REFERRAL_ENDED,	       /* ended by the committee or the unit */
};

/* The decision, checked in this order: agreement, end, answer, basis. */
enum referral_access referral_access(const struct referral_facts *f,
				     int64_t now);

/* A stable English phrase for audit rows ("consent withdrawn"). */
const char *referral_access_text(enum referral_access a);

/*
 * The statutory grounds a referral may rest on without consent: a key
 * stored with the referral and the law it points at. (check: confirm
 * each against the act before relying on it; docs/rules.md.)
 */
struct referral_ground {
	const char *key;
	const char *law; /* "OSL 10 kap. 2 §" */
};
extern const struct referral_ground referral_grounds[];
extern const size_t referral_ngrounds;

/* The ground with that key, or NULL. */
const struct referral_ground *referral_ground_find(const char *key);

#endif

/*
 * Referrals to shared units; see referral.h. The walls come first (an
 * agreement in force, then the shared unit's answer), then the legal
 * basis: a consent given, not withdrawn, not expired and covering every
 * disclosed part, or a statutory ground on the fixed list.
 */
#include "policy/referral.h"

#include <string.h>

const struct referral_part_name referral_parts[REFERRAL_NPARTS] = {
    {PART_IDENTITY, "identity"},   {PART_CONTACT, "contact"},
    {PART_MATTER, "matter"},	   {PART_JOURNAL, "journal"},
    {PART_DECISIONS, "decisions"},
};

const struct referral_ground referral_grounds[] = {
    /* Disclosure needed for the committee's own task (generalklausul). */
    {"osl_10_2", "OSL 10 kap. 2 §"},
    /* Child at risk: the information a child's protection needs. */
    {"osl_26_9", "OSL 26 kap. 9 §"},
    /* Crime against a child, or a serious crime (police). */
    {"osl_10_21", "OSL 10 kap. 21 §"},
    /* Help to a person who is subjected to violence (SoL 5 kap. 11 §). */
    {"sol_5_11", "SoL 5 kap. 11 §"},
};
const size_t referral_ngrounds =
    sizeof(referral_grounds) / sizeof(referral_grounds[0]);

const struct referral_ground *referral_ground_find(const char *key)
{
	if (key == NULL)
		return NULL;
	for (size_t i = 0; i < referral_ngrounds; i++)
		if (strcmp(referral_grounds[i].key, key) == 0)
			return &referral_grounds[i];
	return NULL;
}

enum referral_access referral_access(const struct referral_facts *f,
				     int64_t now)
{
	if (f == NULL)
		return REFERRAL_DECLINED;
	/*
	 * The agreement first: without one in force nobody acts for the
	 * member (R3.3), whatever the referral says.
	 */
	if (!f->agreement_in_force)
		return REFERRAL_NO_AGREEMENT;
	/* Ended, on whatever basis: the work is done, the door is shut. */
	if (f->ended_at != 0 && f->ended_at <= now)
		return REFERRAL_ENDED;
	if (f->status == REF_DECLINED)
		return REFERRAL_DECLINED;
	if (f->status != REF_ACCEPTED)
		return REFERRAL_NOT_ACCEPTED;
	if (f->basis == BASIS_STATUTORY)
		return f->ground_known ? REFERRAL_OPEN : REFERRAL_NO_GROUND;
	if (f->consent_withdrawn != 0 && f->consent_withdrawn <= now)
		return REFERRAL_WITHDRAWN;
	if (!f->consent_given)
		return REFERRAL_NO_CONSENT;
	if (now >= f->consent_until)
		return REFERRAL_EXPIRED;
	/* A referral never discloses more than the consent covers. */
	if ((f->parts & ~f->consent_scope) != 0)
		return REFERRAL_OUT_OF_SCOPE;
	return REFERRAL_OPEN;
}

const char *referral_access_text(enum referral_access a)
{
	switch (a) {
	case REFERRAL_OPEN:
		return "open";
	case REFERRAL_NOT_ACCEPTED:
		return "referral not accepted";
	case REFERRAL_DECLINED:
		return "referral declined";
	case REFERRAL_NO_CONSENT:
		return "consent not given";
	case REFERRAL_WITHDRAWN:
		return "consent withdrawn";
	case REFERRAL_EXPIRED:
		return "consent expired";
	case REFERRAL_OUT_OF_SCOPE:
		return "consent does not cover the parts";
	case REFERRAL_NO_GROUND:
		return "no statutory ground";
	case REFERRAL_NO_AGREEMENT:
		return "no agreement in force";
	case REFERRAL_ENDED:
		return "referral ended";
	}
	return "unknown";
}

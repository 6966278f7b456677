/*
 * R4.4 applied to what people write: a text that would leave the place
 * where a person's whereabouts are kept must not carry them. Guarded are
 * the address, postal code and telephone of a person with protected
 * identity, and of a person referred to a family-peace centre (there
 * protected identity is the norm, whether or not the person is marked),
 * and every place a family-peace centre has recorded for the person
 * (table whereabouts). Messages of the case's thread and journal notes
 * are checked before anything is written (src/domain/message.c,
 * src/domain/journal.c, src/domain/referral.c); the comparison itself is
 * pure (src/policy/whereabouts.c).
 */
#ifndef NARA_DOMAIN_WHEREABOUTS_H
#define NARA_DOMAIN_WHEREABOUTS_H

#include <stdint.h>

#include "core/err.h"

struct db;

/*
 * Inside the caller's transaction: NARA_EINVAL when text carries a
 * guarded detail of the person (*found then says which: "address",
 * "postal_code", "phone"), NARA_OK when it carries none or the person is
 * not guarded (person_id 0: nobody).
 */
enum nara_err whereabouts_check_in_tx(struct db *db, int64_t person_id,
				      const char *text, const char **found);

#endif

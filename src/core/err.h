/*
 * One error enum for the whole of Nära. Functions return it; callers decide
 * what it means for the person in front of the screen (a handler maps it to
 * an HTTP status and a page that says what to do next). Nothing prints and
 * carries on.
 */
#ifndef NARA_ERR_H
#define NARA_ERR_H

enum nara_err {
	NARA_OK = 0,
	NARA_ENOMEM,     /* out of memory or an arena limit reached */
	NARA_EINVAL,     /* input that does not follow the rules */
	NARA_ETOOBIG,    /* input larger than its limit */
	NARA_EDENIED,    /* the policy layer said no */
	NARA_ENOTFOUND,  /* no such record or route */
	NARA_ECONFLICT,  /* the record changed or already exists */
	NARA_EDB,        /* the database failed a statement */
	NARA_EDBDOWN,    /* the database cannot be reached or is locked */
	NARA_EIO,        /* a file or socket failed */
	NARA_EINTEGRITY, /* a check of stored data failed (audit chain) */
};

const char *nara_strerror(enum nara_err err);

#endif

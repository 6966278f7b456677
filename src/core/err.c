/* Messages for the log, never for the person: pages say what to do. */
#include "core/err.h"

const char *nara_strerror(enum nara_err err)
{
	switch (err) {
	case NARA_OK: return "ok";
	case NARA_ENOMEM: return "out of memory";
	case NARA_EINVAL: return "invalid input";
	case NARA_ETOOBIG: return "input too large";
	case NARA_EDENIED: return "access denied";
	case NARA_ENOTFOUND: return "not found";
	case NARA_ECONFLICT: return "conflict";
	case NARA_EDB: return "database error";
	case NARA_EDBDOWN: return "database unavailable";
	case NARA_EIO: return "i/o error";
	case NARA_EINTEGRITY: return "integrity check failed";
	}
	return "unknown error";
}

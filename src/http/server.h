/*
 * The HTTP server: one libevent loop per thread, all listening on the same
 * port with SO_REUSEPORT so the kernel spreads connections over them.
 * On SQLite each loop runs handlers itself with its own connection (SQLite
 * calls are short and local); on PostgreSQL handlers run on a pool of worker
 * threads with a connection each, so one slow query never stalls the other
 * requests of its loop. Routes marked off_loop (they call other servers,
 * such as identity providers, and may wait seconds, or hash passwords)
 * always run on the
 * pool, which then runs on SQLite too, each worker with its own
 * connection; everything else stays where it was.
 */
#ifndef NARA_SERVER_H
#define NARA_SERVER_H

#include "core/config.h"
#include "core/err.h"

/* Serves until SIGINT or SIGTERM. */
enum nara_err server_run(const struct config *cfg);

#endif

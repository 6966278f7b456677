/*
 * Counters for /metrics in the Prometheus text format: requests by route and
 * status, a latency histogram, open connections and time spent in the
 * database. Updated with relaxed atomics from every loop and worker thread;
 * a scrape reads them without stopping anyone.
 */
#ifndef NARA_METRICS_H
#define NARA_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* route: index into routes[], or routes_count for "no route". */
void metrics_request(size_t route, int status, uint64_t ns, uint64_t db_ns);
void metrics_connection(int delta);
void metrics_render(struct buf *out);

#endif

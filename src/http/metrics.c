/* Prometheus counters; see metrics.h. */
#include "http/metrics.h"

#include "http/http.h"
#include "http/live.h"

/* The statuses Nära sends; anything else is counted as "other". */
static const int statuses[] = {200, 204, 301, 302, 303, 304, 400, 403, 404,
			       405, 409, 413, 429, 500, 503, 0};
/*
 * Room for every route of the table and one more for "none" (404s);
 * past it a route would be counted under another's name. 130 routes were
 * in the table when 128 turned out too few: keep well ahead.
 */
enum { NSTATUS = sizeof(statuses) / sizeof(statuses[0]), MAX_ROUTES = 512 };

/* Upper bounds of the latency buckets, in seconds. */
static const double bucket_le[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				   0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
enum { NBUCKETS = sizeof(bucket_le) / sizeof(bucket_le[0]) };

static uint64_t requests[MAX_ROUTES + 1][NSTATUS];
static uint64_t buckets[NBUCKETS];
static uint64_t latency_count, latency_sum_ns, db_sum_ns;
static int64_t open_connections;

#define ADD(var, v) __atomic_fetch_add(&(var), (v), __ATOMIC_RELAXED)
#define LOAD(var) __atomic_load_n(&(var), __ATOMIC_RELAXED)

void metrics_request(size_t route, int status, uint64_t ns, uint64_t db_ns)
{
	if (route > MAX_ROUTES)
		route = MAX_ROUTES;
	size_t s = 0;
	while (statuses[s] != 0 && statuses[s] != status)
		s++;
	ADD(requests[route][s], 1);
	double secs = (double)ns / 1e9;
	for (size_t b = 0; b < NBUCKETS; b++)
		if (secs <= bucket_le[b]) {
			ADD(buckets[b], 1);
			break;
		}
	ADD(latency_count, 1);
	ADD(latency_sum_ns, ns);
	ADD(db_sum_ns, db_ns);
}

void metrics_connection(int delta) { ADD(open_connections, delta); }

void metrics_render(struct buf *out)
{
	buf_adds(out, "# HELP nara_http_requests_total HTTP requests by route and status.\n"
		      "# TYPE nara_http_requests_total counter\n");
	for (size_t r = 0; r <= routes_count && r <= MAX_ROUTES; r++) {
		const char *name = r < routes_count ? routes[r].name : "none";
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t v = LOAD(requests[r][s]);
			if (v == 0)
				continue;
			if (statuses[s])
				buf_printf(out, "nara_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
					   name, statuses[s], (unsigned long long)v);
			else
				buf_printf(out, "nara_http_requests_total{route=\"%s\",status=\"other\"} %llu\n",
					   name, (unsigned long long)v);
		}
	}
	buf_adds(out, "# HELP nara_http_request_duration_seconds Time from request to response.\n"
		      "# TYPE nara_http_request_duration_seconds histogram\n");
	uint64_t cumulative = 0;
	for (size_t b = 0; b < NBUCKETS; b++) {
		cumulative += LOAD(buckets[b]);
		buf_printf(out, "nara_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
			   bucket_le[b], (unsigned long long)cumulative);
	}
	uint64_t count = LOAD(latency_count);
	buf_printf(out, "nara_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
			"nara_http_request_duration_seconds_sum %.6f\n"
			"nara_http_request_duration_seconds_count %llu\n",
		   (unsigned long long)count, (double)LOAD(latency_sum_ns) / 1e9,
		   (unsigned long long)count);
	buf_printf(out, "# HELP nara_http_open_connections Client connections open now.\n"
			"# TYPE nara_http_open_connections gauge\n"
			"nara_http_open_connections %lld\n",
		   (long long)LOAD(open_connections));
	buf_printf(out, "# HELP nara_db_seconds_total Time spent in the database.\n"
			"# TYPE nara_db_seconds_total counter\n"
			"nara_db_seconds_total %.6f\n",
		   (double)LOAD(db_sum_ns) / 1e9);
	buf_printf(out, "# HELP nara_live_streams Live event streams open now.\n"
			"# TYPE nara_live_streams gauge\n"
			"nara_live_streams %zu\n",
		   live_stream_count());
}

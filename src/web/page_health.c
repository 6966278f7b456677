/*
 * For the operator and the load balancer: /healthz (the process answers),
 * /readyz (the database answers too), /metrics (Prometheus text).
 */
#include "db/db.h"
#include "http/metrics.h"
#include "web/web.h"

enum nara_err page_healthz(struct req *r)
{
	r->resp.content_type = "text/plain; charset=utf-8";
	buf_adds(&r->resp.body, "ok\n");
	return NARA_OK;
}

enum nara_err page_readyz(struct req *r)
{
	r->resp.content_type = "text/plain; charset=utf-8";
	enum nara_err err = db_ping(r->db);
	if (err != NARA_OK) {
		r->resp.status = 503;
		buf_adds(&r->resp.body, "database unavailable\n");
		return NARA_OK;
	}
	buf_adds(&r->resp.body, "ready\n");
	return NARA_OK;
}

enum nara_err page_metrics(struct req *r)
{
	r->resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
	metrics_render(&r->resp.body);
	return NARA_OK;
}

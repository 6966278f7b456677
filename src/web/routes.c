/*
 * Every URL Nära answers, in one place (like cgit's cmd.c). Order matters
 * only where patterns overlap; the first match wins. `needs_db`: the
 * handler gets a database connection and 503 when none can be had.
 */
#include "domain/document.h"
#include "http/http.h"
#include "web/web.h"

/*
 * An application with its attachments: five files of the largest size,
 * and room for the answers and the multipart framing around them.
 */
#define APPLY_MAX_BODY                                                         \
	((size_t)DOCUMENT_MAX_PER_APPLICATION * DOCUMENT_MAX_BYTES +           \
	 1024 * 1024)

const struct route routes[] = {
	{HTTP_GET, "/", page_home, "home", 1, 0},
	{HTTP_GET, "/kommun/{}", page_municipality, "municipality", 1, 0},
	{HTTP_GET, "/om/tillganglighet", page_accessibility, "accessibility", 0, 0},
	{HTTP_GET, "/sprak", page_language, "language", 0, 0},
	{HTTP_GET, "/login", page_login, "login", 1, 0},
	{HTTP_POST, "/login/dev", page_login_dev, "login_dev", 1, 0},
	{HTTP_POST, "/logout", page_logout, "logout", 1, 0},
	{HTTP_GET, "/arbete", page_work, "work", 1, 0},
	{HTTP_GET, "/arbete/person/{}", page_work_person, "work_person", 1, 0},
	{HTTP_GET, "/arbete/granskning", page_review, "review", 1, 0},
	{HTTP_POST, "/arbete/granskning", page_review_done, "review_done", 1, 0},
	{HTTP_GET, "/mina-sidor", page_mypages, "mypages", 1, 0},
	{HTTP_GET, "/konto/inloggningar", page_sessions, "sessions", 1, 0},
	{HTTP_POST, "/konto/inloggningar", page_sessions_end, "sessions_end", 1, 0},
	{HTTP_GET, "/ansok", page_apply_choose, "apply", 1, 0},
	{HTTP_GET, "/ansok/kvitto/{}", page_apply_receipt, "apply_receipt", 1, 0},
	{HTTP_GET, "/ansok/{}/{}", page_apply_form, "apply_form", 1, 0},
	{HTTP_POST, "/ansok/{}/{}", page_apply_submit, "apply_submit", 1,
	 APPLY_MAX_BODY},
	{HTTP_GET, "/dokument/{}", page_document, "document", 1, 0},
	/*
	 * The public forms. The two POSTs are to be rate-limited per client
	 * (the walls and rate-limits work adds the route flag for it).
	 */
	{HTTP_GET, "/orosanmalan", page_report_choose, "report", 1, 0},
	{HTTP_GET, "/orosanmalan/kvitto", page_report_receipt, "report_receipt",
	 0, 0},
	{HTTP_GET, "/orosanmalan/status", page_report_status, "report_status",
	 0, 0},
	{HTTP_POST, "/orosanmalan/status", page_report_status_check,
	 "report_status_check", 1, 0},
	{HTTP_GET, "/orosanmalan/{}", page_report_form, "report_form", 1, 0},
	{HTTP_POST, "/orosanmalan/{}", page_report_submit, "report_submit", 1,
	 0},
	{HTTP_GET, "/static/{}", page_static, "static", 0, 0},
	{HTTP_GET, "/healthz", page_healthz, "healthz", 0, 0},
	{HTTP_GET, "/readyz", page_readyz, "readyz", 1, 0},
	{HTTP_GET, "/metrics", page_metrics, "metrics", 0, 0},
};
const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

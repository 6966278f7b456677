/*
 * Every URL Nära answers, in one place (like cgit's cmd.c). Order matters
 * only where patterns overlap; the first match wins. `needs_db`: the
 * handler gets a database connection and 503 when none can be had.
 * `off_loop`: the handler calls another server and may block, so it runs
 * on the worker pool (http/server.c).
 */
#include "http/http.h"
#include "web/web.h"

const struct route routes[] = {
	{HTTP_GET, "/", page_home, "home", 1, 0},
	{HTTP_GET, "/kommun/{}", page_municipality, "municipality", 1, 0},
	{HTTP_GET, "/om/tillganglighet", page_accessibility, "accessibility", 0, 0},
	{HTTP_GET, "/sprak", page_language, "language", 0, 0},
	{HTTP_GET, "/login", page_login, "login", 1, 0},
	{HTTP_POST, "/login/dev", page_login_dev, "login_dev", 1, 0},
	{HTTP_POST, "/logout", page_logout, "logout", 1, 0},
	{HTTP_GET, "/auth/citizen/start", page_auth_citizen, "auth_citizen", 1, 1},
	{HTTP_GET, "/auth/staff/start", page_auth_staff, "auth_staff", 1, 1},
	{HTTP_GET, "/auth/callback", page_auth_callback, "auth_callback", 1, 1},
	{HTTP_GET, "/arbete", page_work, "work", 1, 0},
	{HTTP_GET, "/arbete/person/{}", page_work_person, "work_person", 1, 0},
	{HTTP_GET, "/arbete/granskning", page_review, "review", 1, 0},
	{HTTP_POST, "/arbete/granskning", page_review_done, "review_done", 1, 0},
	{HTTP_GET, "/mina-sidor", page_mypages, "mypages", 1, 0},
	{HTTP_GET, "/konto/inloggningar", page_sessions, "sessions", 1, 0},
	{HTTP_POST, "/konto/inloggningar", page_sessions_end, "sessions_end", 1, 0},
	{HTTP_GET, "/static/{}", page_static, "static", 0, 0},
	{HTTP_GET, "/healthz", page_healthz, "healthz", 0, 0},
	{HTTP_GET, "/readyz", page_readyz, "readyz", 1, 0},
	{HTTP_GET, "/metrics", page_metrics, "metrics", 0, 0},
};
const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

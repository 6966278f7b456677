/*
 * Every URL Nära answers, in one place (like cgit's cmd.c). Order matters
 * only where patterns overlap; the first match wins. `needs_db`: the
 * handler gets a database connection and 503 when none can be had. The
 * rate class: RATE_LOGIN on every route that logs in or out (a new login
 * route sets it too), RATE_FORM on forms that change something.
 */
#include "http/http.h"
#include "web/web.h"

const struct route routes[] = {
	{HTTP_GET, "/", page_home, "home", 1, RATE_NONE},
	{HTTP_GET, "/kommun/{}", page_municipality, "municipality", 1, RATE_NONE},
	{HTTP_GET, "/om/tillganglighet", page_accessibility, "accessibility", 0, RATE_NONE},
	{HTTP_GET, "/sprak", page_language, "language", 0, RATE_NONE},
	{HTTP_GET, "/login", page_login, "login", 1, RATE_NONE},
	{HTTP_POST, "/login/dev", page_login_dev, "login_dev", 1, RATE_LOGIN},
	{HTTP_POST, "/logout", page_logout, "logout", 1, RATE_LOGIN},
	{HTTP_GET, "/arbete", page_work, "work", 1, RATE_NONE},
	{HTTP_GET, "/arbete/person/{}", page_work_person, "work_person", 1, RATE_NONE},
	{HTTP_POST, "/arbete/person/{}", page_work_person_open, "work_person_open", 1, RATE_FORM},
	{HTTP_GET, "/arbete/granskning", page_review, "review", 1, RATE_NONE},
	{HTTP_POST, "/arbete/granskning", page_review_done, "review_done", 1, RATE_FORM},
	{HTTP_GET, "/mina-sidor", page_mypages, "mypages", 1, RATE_NONE},
	{HTTP_GET, "/mina-sidor/barn/{}", page_child, "mypages_child", 1, RATE_NONE},
	{HTTP_GET, "/konto/inloggningar", page_sessions, "sessions", 1, RATE_NONE},
	{HTTP_POST, "/konto/inloggningar", page_sessions_end, "sessions_end", 1, RATE_FORM},
	{HTTP_GET, "/static/{}", page_static, "static", 0, RATE_NONE},
	{HTTP_GET, "/healthz", page_healthz, "healthz", 0, RATE_NONE},
	{HTTP_GET, "/readyz", page_readyz, "readyz", 1, RATE_NONE},
	{HTTP_GET, "/metrics", page_metrics, "metrics", 0, RATE_NONE},
};
const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

/*
 * Every URL Nära answers, in one place (like cgit's cmd.c). Order matters
 * only where patterns overlap; the first match wins. `needs_db`: the
 * handler gets a database connection and 503 when none can be had.
 */
#include "http/http.h"
#include "web/web.h"

const struct route routes[] = {
	{HTTP_GET, "/", page_home, "home", 1},
	{HTTP_GET, "/kommun/{}", page_municipality, "municipality", 1},
	{HTTP_GET, "/om/tillganglighet", page_accessibility, "accessibility", 0},
	{HTTP_GET, "/sprak", page_language, "language", 0},
	{HTTP_GET, "/login", page_login, "login", 1},
	{HTTP_POST, "/login/dev", page_login_dev, "login_dev", 1},
	{HTTP_POST, "/logout", page_logout, "logout", 1},
	{HTTP_GET, "/arbete", page_worklist, "worklist", 1},
	{HTTP_GET, "/arbete/person/{}", page_work_person, "work_person", 1},
	{HTTP_GET, "/arbete/person/{}/anmalningar", page_work_reports, "work_reports", 1},
	{HTTP_GET, "/arbete/anmalan", page_report_new, "report_new", 1},
	{HTTP_POST, "/arbete/anmalan", page_report_register, "report_register", 1},
	{HTTP_GET, "/arbete/arende/{}", page_case, "case", 1},
	{HTTP_POST, "/arbete/arende/{}/steg", page_case_move, "case_move", 1},
	{HTTP_POST, "/arbete/arende/{}/team", page_case_team, "case_team", 1},
	{HTTP_POST, "/arbete/arende/{}/skydd", page_case_protection, "case_protection", 1},
	{HTTP_POST, "/arbete/arende/{}/anteckning", page_case_note, "case_note", 1},
	{HTTP_POST, "/arbete/arende/{}/synlighet", page_case_visibility, "case_visibility", 1},
	{HTTP_GET, "/arbete/granskning", page_review, "review", 1},
	{HTTP_POST, "/arbete/granskning", page_review_done, "review_done", 1},
	{HTTP_GET, "/mina-sidor", page_mypages, "mypages", 1},
	{HTTP_GET, "/konto/inloggningar", page_sessions, "sessions", 1},
	{HTTP_POST, "/konto/inloggningar", page_sessions_end, "sessions_end", 1},
	{HTTP_GET, "/static/{}", page_static, "static", 0},
	{HTTP_GET, "/healthz", page_healthz, "healthz", 0},
	{HTTP_GET, "/readyz", page_readyz, "readyz", 1},
	{HTTP_GET, "/metrics", page_metrics, "metrics", 0},
};
const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

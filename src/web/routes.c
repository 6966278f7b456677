/*
 * Every URL Nära answers, in one place (like cgit's cmd.c). Order matters
 * only where patterns overlap; the first match wins. `needs_db`: the
 * handler gets a database connection and 503 when none can be had.
 */
#include "api/api.h"
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
	{HTTP_GET, "/arbete", page_work, "work", 1},
	{HTTP_GET, "/arbete/person/{}", page_work_person, "work_person", 1},
	{HTTP_GET, "/arbete/granskning", page_review, "review", 1},
	{HTTP_POST, "/arbete/granskning", page_review_done, "review_done", 1},
	{HTTP_GET, "/mina-sidor", page_mypages, "mypages", 1},
	{HTTP_GET, "/konto/inloggningar", page_sessions, "sessions", 1},
	{HTTP_POST, "/konto/inloggningar", page_sessions_end, "sessions_end", 1},
	{HTTP_GET, "/static/{}", page_static, "static", 0},
	/* The JSON API (docs/openapi.yaml): what the pages offer. */
	{HTTP_GET, "/api/v1/me", api_me, "api_me", 1},
	{HTTP_GET, "/api/v1/municipalities", api_municipalities, "api_municipalities", 1},
	{HTTP_POST, "/api/v1/reports", api_report_create, "api_report_create", 1},
	{HTTP_POST, "/api/v1/reports/status", api_report_status, "api_report_status", 1},
	{HTTP_POST, "/api/v1/reports/{}/protection", api_report_protection, "api_report_protection", 1},
	{HTTP_GET, "/api/v1/my/cases", api_my_cases, "api_my_cases", 1},
	{HTTP_GET, "/api/v1/my/cases/{}", api_my_case, "api_my_case", 1},
	{HTTP_POST, "/api/v1/my/cases/{}/comments", api_my_comment, "api_my_comment", 1},
	{HTTP_GET, "/api/v1/worklist", api_worklist, "api_worklist", 1},
	{HTTP_GET, "/api/v1/cases/{}", api_case, "api_case", 1},
	{HTTP_POST, "/api/v1/cases/{}/notes", api_case_note, "api_case_note", 1},
	{HTTP_POST, "/api/v1/cases/{}/moves", api_case_move, "api_case_move", 1},
	{HTTP_POST, "/api/v1/cases/{}/team", api_case_assign, "api_case_team", 1},
	{HTTP_POST, "/api/v1/notes/{}/visibility", api_note_visibility, "api_note_visibility", 1},
	{HTTP_GET, "/healthz", page_healthz, "healthz", 0},
	{HTTP_GET, "/readyz", page_readyz, "readyz", 1},
	{HTTP_GET, "/metrics", page_metrics, "metrics", 0},
};
const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

/*
 * Local accounts (src/domain/local_account.c) on SQLite in a temporary file
 * and on PostgreSQL when NARA_TEST_PG_URL is set (scripts/test.sh always
 * sets it), each test in a database of its own.
 *
 * What is shown: the right password logs in with a new session of method
 * "local"; a wrong password and an unknown user are both WRONG and both
 * audited; the fifth failure in a row locks for fifteen minutes, the lock
 * holds against the right password and ends on time; two connections (two
 * nodes) share one count; an old hash is remade at login; a new password
 * clears the lock and ends live sessions; TOTP is set up only with a
 * right first code, is then required, never takes a step twice, counts its
 * failures with the password's, and is turned off only with a code; the
 * challenge between the steps checks its form token and expires; the key
 * check at start-up sees a missing or a wrong key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* cmocka needs the headers above first. */
#include <cmocka.h>

#include "db/db.h"
#include "domain/local_account.h"
#include "domain/password.h"
#include "domain/staff.h"
#include "domain/totp.h"

/* Far from any real clock, so that nothing here depends on today. */
static const int64_t T0 = 1900000000;

static const unsigned char test_key[32] = "0123456789abcdef0123456789abcdef";

struct fixture {
	struct db *db;
	int pg;
	char url[512];
	char schema[64];
	char path[96];
	int64_t staff_id;
};

static const char *pg_url(void)
{
	const char *url = getenv("NARA_TEST_PG_URL");
	return url != NULL && *url != '\0' ? url : NULL;
}

/* One real hash for every test: argon2id at full cost takes a while. */
static const char *the_hash(void)
{
	static char hash[PASSWORD_HASH_MAX];
	if (hash[0] == '\0' &&
	    password_hash("korrekt häst batteri", hash) != NARA_OK)
		return NULL;
	return hash;
}

static int add_staff(struct fixture *f)
{
	int64_t mid = 0;
	if (db_begin(f->db) != NARA_OK ||
	    db_query_int(
		f->db, &mid,
		"INSERT INTO municipality (code, slug, name, created_at)"
		" VALUES ('1283', 'helsingborg', 'Helsingborg', 0)"
		" RETURNING id",
		"") != NARA_OK)
		return -1;
	struct staff_new s = {.municipality_id = mid,
			      .username = "admin.anna",
			      .display_name = "Anna Admin"};
	if (staff_add(f->db, &s, &f->staff_id) != NARA_OK ||
	    local_set_password(f->db, f->staff_id, the_hash(), T0) != NARA_OK ||
	    db_commit(f->db) != NARA_OK)
		return -1;
	return 0;
}

static int setup_sqlite(void **state)
{
	static int serial;
	struct fixture *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "/tmp/nara-test-local-%d-%d.db",
		 (int)getpid(), ++serial);
	unlink(f->path);
	snprintf(f->url, sizeof(f->url), "sqlite:%s", f->path);
	if (db_open(f->url, &f->db) != NARA_OK ||
	    db_migrate(f->db, 0) != NARA_OK || add_staff(f) != 0) {
		fprintf(stderr, "sqlite setup: %s\n",
			f->db ? db_errmsg(f->db) : "");
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown_sqlite(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	char p[128];
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static int setup_pg(void **state)
{
	static int serial;
	struct fixture *f = calloc(1, sizeof(*f));
	if (f == NULL || pg_url() == NULL)
		return -1;
	f->pg = 1;
	snprintf(f->url, sizeof(f->url), "%s", pg_url());
	snprintf(f->schema, sizeof(f->schema), "t_local_%d_%d_%ld",
		 (int)getpid(), ++serial, (long)time(NULL) % 100000);
	char sql[192];
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s; SET search_path TO %s",
		 f->schema, f->schema);
	if (db_open(f->url, &f->db) != NARA_OK ||
	    db_exec_script(f->db, sql) != NARA_OK ||
	    db_migrate(f->db, 0) != NARA_OK || add_staff(f) != 0) {
		fprintf(stderr, "pg setup: %s\n",
			f->db ? db_errmsg(f->db) : "");
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown_pg(void **state)
{
	struct fixture *f = *state;
	char sql[128];
	snprintf(sql, sizeof(sql), "DROP SCHEMA %s CASCADE", f->schema);
	db_exec_script(f->db, sql);
	db_close(f->db);
	free(f);
	return 0;
}

/* Another connection to the fixture's database: another node. */
static struct db *connect_again(const struct fixture *f)
{
	struct db *db = NULL;
	assert_int_equal(db_open(f->url, &db), NARA_OK);
	if (f->pg) {
		char sql[128];
		snprintf(sql, sizeof(sql), "SET search_path TO %s", f->schema);
		assert_int_equal(db_exec_script(db, sql), NARA_OK);
	}
	return db;
}

static struct fixture *F(void **state)
{
	return *state;
}

static struct local_request at(int64_t now)
{
	return (struct local_request){.now = now,
				      .user_agent = "test",
				      .request_id = "req",
				      .key = test_key};
}

static int64_t count(struct db *db, const char *sql, const char *text)
{
	int64_t n = -1;
	assert_int_equal(db_query_int(db, &n, sql, text ? "s" : "", text),
			 NARA_OK);
	return n;
}

static enum local_result login(struct db *db, int64_t now, const char *user,
			       const char *pw, struct local_outcome *out)
{
	struct local_request q = at(now);
	assert_int_equal(local_login_password(db, &q, user, pw, "/arbete", out),
			 NARA_OK);
	return out->result;
}

static void test_right_password_logs_in(void **state)
{
	struct fixture *f = F(state);
	struct local_outcome o;
	assert_int_equal(
	    login(f->db, T0, "admin.anna", "korrekt häst batteri", &o),
	    LOCAL_LOGGED_IN);
	assert_int_equal(o.staff_id, f->staff_id);
	assert_int_equal(strlen(o.token), SESSION_TOKEN_LEN);
	struct session s;
	assert_int_equal(session_lookup(f->db, o.token, T0 + 1, &s), NARA_OK);
	assert_int_equal(s.staff_id, f->staff_id);
	assert_int_equal(
	    count(f->db, "SELECT count(*) FROM session WHERE login_method = ?",
		  "local"),
	    1);
	assert_int_equal(
	    count(f->db,
		  "SELECT count(*) FROM audit_log WHERE action = 'login'"
		  " AND reason = ?",
		  "local"),
	    1);
	/* A second login is a second session with a token of its own. */
	struct local_outcome o2;
	assert_int_equal(
	    login(f->db, T0, "admin.anna", "korrekt häst batteri", &o2),
	    LOCAL_LOGGED_IN);
	assert_string_not_equal(o.token, o2.token);
}

static void test_wrong_and_unknown_alike(void **state)
{
	struct fixture *f = F(state);
	struct local_outcome o;
	assert_int_equal(login(f->db, T0, "admin.anna", "fel lösenord här", &o),
			 LOCAL_WRONG);
	assert_int_equal(o.token[0], '\0');
	assert_int_equal(
	    login(f->db, T0, "ingen.alls", "korrekt häst batteri", &o),
	    LOCAL_WRONG);
	assert_int_equal(login(f->db, T0, "", "x", &o), LOCAL_WRONG);
	assert_int_equal(login(f->db, T0, NULL, NULL, &o), LOCAL_WRONG);
	assert_int_equal(
	    count(f->db,
		  "SELECT count(*) FROM audit_log WHERE action = 'login_failed'"
		  " AND reason = ?",
		  "password"),
	    1);
	assert_int_equal(
	    count(f->db,
		  "SELECT count(*) FROM audit_log WHERE action = 'login_failed'"
		  " AND reason = ? AND actor_label = 'ingen.alls'",
		  "unknown user"),
	    1);
	assert_int_equal(count(f->db, "SELECT count(*) FROM session", NULL), 0);
	/* An account that was closed is an unknown user. */
	assert_int_equal(db_run(f->db, "UPDATE staff_user SET active = 0", ""),
			 NARA_OK);
	assert_int_equal(
	    login(f->db, T0, "admin.anna", "korrekt häst batteri", &o),
	    LOCAL_WRONG);
}

static void test_lockout(void **state)
{
	struct fixture *f = F(state);
	struct local_outcome o;
	for (int i = 1; i < LOCAL_MAX_FAILURES; i++)
		assert_int_equal(login(f->db, T0 + i, "admin.anna", "fel", &o),
				 LOCAL_WRONG);
	const int64_t fifth = T0 + LOCAL_MAX_FAILURES;
	assert_int_equal(login(f->db, fifth, "admin.anna", "fel", &o),
			 LOCAL_LOCKED);
	assert_int_equal(o.locked_until, fifth + LOCAL_LOCK_SECONDS);
	assert_int_equal(count(f->db,
			       "SELECT count(*) FROM audit_log WHERE action = ?"
			       " AND flagged = 1",
			       "login_locked"),
			 1);
	/* Locked: the right password does not get in, and says nothing. */
	assert_int_equal(
	    login(f->db, fifth + 60, "admin.anna", "korrekt häst batteri", &o),
	    LOCAL_LOCKED);
	assert_int_equal(o.locked_until, fifth + LOCAL_LOCK_SECONDS);
	assert_int_equal(o.token[0], '\0');
	assert_int_equal(login(f->db, fifth + LOCAL_LOCK_SECONDS - 1,
			       "admin.anna", "korrekt häst batteri", &o),
			 LOCAL_LOCKED);
	assert_int_equal(
	    count(f->db,
		  "SELECT count(*) FROM audit_log WHERE action = 'login_failed'"
		  " AND reason = ?",
		  "locked"),
	    2);
	/* Fifteen minutes on, it opens, and the count starts from nothing. */
	assert_int_equal(login(f->db, fifth + LOCAL_LOCK_SECONDS, "admin.anna",
			       "korrekt häst batteri", &o),
			 LOCAL_LOGGED_IN);
	assert_int_equal(
	    count(f->db, "SELECT failed_count FROM local_account", NULL), 0);
	/* Failures not in a row do not lock: a login in between clears them. */
	const int64_t later = fifth + 2 * LOCAL_LOCK_SECONDS;
	for (int i = 0; i < 2 * LOCAL_MAX_FAILURES; i++) {
		if (i % 4 == 3)
			assert_int_equal(login(f->db, later + i, "admin.anna",
					       "korrekt häst batteri", &o),
					 LOCAL_LOGGED_IN);
		else
			assert_int_equal(
			    login(f->db, later + i, "admin.anna", "fel", &o),
			    LOCAL_WRONG);
	}
}

static void test_two_nodes_share_the_count(void **state)
{
	struct fixture *f = F(state);
	struct db *other = connect_again(f);
	struct local_outcome o;
	/* Failures alternate between the nodes; the fifth, wherever, locks. */
	for (int i = 1; i < LOCAL_MAX_FAILURES; i++)
		assert_int_equal(login(i % 2 ? other : f->db, T0 + i,
				       "admin.anna", "fel", &o),
				 LOCAL_WRONG);
	assert_int_equal(login(other, T0 + 10, "admin.anna", "fel", &o),
			 LOCAL_LOCKED);
	assert_int_equal(
	    login(f->db, T0 + 11, "admin.anna", "korrekt häst batteri", &o),
	    LOCAL_LOCKED);
	assert_int_equal(o.locked_until, T0 + 10 + LOCAL_LOCK_SECONDS);
	db_close(other);
}

static void test_rehash_at_login(void **state)
{
	struct fixture *f = F(state);
	char cheap[PASSWORD_HASH_MAX];
	assert_int_equal(
	    password_hash_with("korrekt häst batteri", 1, 8192, cheap),
	    NARA_OK);
	assert_int_equal(local_set_password(f->db, f->staff_id, cheap, T0),
			 NARA_OK);
	struct local_outcome o;
	/* A wrong password leaves the old hash alone. */
	assert_int_equal(login(f->db, T0, "admin.anna", "fel", &o),
			 LOCAL_WRONG);
	assert_int_equal(
	    count(f->db,
		  "SELECT count(*) FROM local_account WHERE password_hash = ?",
		  cheap),
	    1);
	assert_int_equal(
	    login(f->db, T0, "admin.anna", "korrekt häst batteri", &o),
	    LOCAL_LOGGED_IN);
	struct db_stmt *st;
	assert_int_equal(
	    db_prepare(f->db, "SELECT password_hash FROM local_account", &st),
	    NARA_OK);
	assert_int_equal(db_step(st), DB_ROW);
	char now_stored[PASSWORD_HASH_MAX];
	snprintf(now_stored, sizeof(now_stored), "%s", db_col_text(st, 0));
	db_done(st);
	assert_string_not_equal(now_stored, cheap);
	assert_int_equal(password_needs_rehash(now_stored), 0);
	assert_int_equal(password_verify(now_stored, "korrekt häst batteri"),
			 1);
}

static void test_new_password_clears_lock_and_sessions(void **state)
{
	struct fixture *f = F(state);
	struct local_outcome o, live;
	assert_int_equal(
	    login(f->db, T0, "admin.anna", "korrekt häst batteri", &live),
	    LOCAL_LOGGED_IN);
	for (int i = 0; i < LOCAL_MAX_FAILURES; i++)
		login(f->db, T0 + 1, "admin.anna", "fel", &o);
	assert_int_equal(o.result, LOCAL_LOCKED);
	char hash[PASSWORD_HASH_MAX];
	assert_int_equal(password_hash("ett helt nytt lösenord", hash),
			 NARA_OK);
	assert_int_equal(local_set_password(f->db, f->staff_id, hash, T0 + 2),
			 NARA_OK);
	struct session s;
	assert_int_equal(session_lookup(f->db, live.token, T0 + 3, &s),
			 NARA_ENOTFOUND);
	assert_int_equal(
	    login(f->db, T0 + 3, "admin.anna", "korrekt häst batteri", &o),
	    LOCAL_WRONG);
	assert_int_equal(
	    login(f->db, T0 + 4, "admin.anna", "ett helt nytt lösenord", &o),
	    LOCAL_LOGGED_IN);
	assert_int_equal(
	    count(f->db, "SELECT count(*) FROM audit_log WHERE action = ?",
		  "password_set"),
	    2);
	assert_int_equal(
	    local_set_password(f->db, f->staff_id, "plain text", T0),
	    NARA_EINVAL);
}

static uint32_t code_for(const unsigned char secret[TOTP_SECRET_BYTES],
			 int64_t step)
{
	return totp_hotp(secret, TOTP_SECRET_BYTES, (uint64_t)step,
			 TOTP_DIGITS);
}

/* A code that is none of the window's around now: surely wrong. */
static uint32_t wrong_code(const unsigned char secret[TOTP_SECRET_BYTES],
			   int64_t now)
{
	for (uint32_t c = 0;; c++) {
		int hit = 0;
		for (int64_t d = -TOTP_WINDOW; d <= TOTP_WINDOW; d++)
			hit |= code_for(secret, now / 30 + d) == c;
		if (!hit)
			return c;
	}
}

static const char *code_text(char buf[8], uint32_t code)
{
	snprintf(buf, 8, "%06u", (unsigned)code);
	return buf;
}

/* Sets up TOTP for the fixture's account, confirmed at step T0/30. */
static void enrol(struct fixture *f, unsigned char secret[TOTP_SECRET_BYTES])
{
	struct local_request q = at(T0);
	struct local_status st;
	assert_int_equal(local_status(f->db, f->staff_id, &st), NARA_OK);
	assert_int_equal(st.has_password, 1);
	assert_int_equal(st.totp_enabled, 0);
	assert_int_equal(local_totp_begin(f->db, &q, f->staff_id, secret),
			 NARA_OK);
	assert_int_equal(local_status(f->db, f->staff_id, &st), NARA_OK);
	assert_int_equal(st.totp_pending, 1);
	unsigned char again[TOTP_SECRET_BYTES];
	assert_int_equal(local_totp_pending(f->db, &q, f->staff_id, again),
			 NARA_OK);
	assert_memory_equal(again, secret, TOTP_SECRET_BYTES);
	int ok = -1;
	char c[8];
	assert_int_equal(
	    local_totp_confirm(f->db, &q, f->staff_id, "000000x", &ok),
	    NARA_OK);
	assert_int_equal(ok, 0);
	uint32_t right = code_for(secret, T0 / 30);
	assert_int_equal(
	    local_totp_confirm(f->db, &q, f->staff_id,
			       code_text(c, wrong_code(secret, T0)), &ok),
	    NARA_OK);
	assert_int_equal(ok, 0);
	assert_int_equal(local_totp_confirm(f->db, &q, f->staff_id,
					    code_text(c, right), &ok),
			 NARA_OK);
	assert_int_equal(ok, 1);
	assert_int_equal(local_status(f->db, f->staff_id, &st), NARA_OK);
	assert_int_equal(st.totp_enabled, 1);
	assert_int_equal(st.totp_pending, 0);
	/* The secret is sealed: it is not in the table as it is. */
	char b32[TOTP_BASE32_MAX];
	totp_base32(secret, TOTP_SECRET_BYTES, b32, sizeof(b32));
	assert_int_equal(count(f->db,
			       "SELECT count(*) FROM local_account"
			       " WHERE totp_secret LIKE '%' || ? || '%'",
			       b32),
			 0);
}

/* The challenge's form token, for the code step. */
static void challenge_csrf(struct fixture *f, const char *challenge,
			   int64_t now, char csrf[SESSION_TOKEN_LEN + 1])
{
	assert_int_equal(local_challenge_csrf(f->db, challenge, now, csrf),
			 NARA_OK);
}

static void test_totp_required_once_per_step(void **state)
{
	struct fixture *f = F(state);
	unsigned char secret[TOTP_SECRET_BYTES];
	enrol(f, secret);
	struct local_request q = at(T0 + 1);
	struct local_outcome o;
	char csrf[SESSION_TOKEN_LEN + 1], c[8];

	assert_int_equal(
	    login(f->db, T0 + 1, "admin.anna", "korrekt häst batteri", &o),
	    LOCAL_NEEDS_CODE);
	assert_int_equal(count(f->db, "SELECT count(*) FROM session", NULL), 0);
	char challenge[SESSION_TOKEN_LEN + 1];
	strcpy(challenge, o.token);
	challenge_csrf(f, challenge, T0 + 1, csrf);

	/* The form token must match; a missing or other challenge is unknown.
	 */
	assert_int_equal(
	    local_login_code(f->db, &q, challenge, "x", "123456", &o),
	    NARA_EDENIED);
	assert_int_equal(
	    local_login_code(f->db, &q, challenge, NULL, "123456", &o),
	    NARA_EDENIED);
	assert_int_equal(local_login_code(f->db, &q, csrf, csrf, "123456", &o),
			 NARA_ENOTFOUND);
	assert_int_equal(local_login_code(f->db, &q, NULL, csrf, "123456", &o),
			 NARA_ENOTFOUND);

	/* The code that confirmed the set-up was used: it is refused now. */
	const int64_t step = T0 / 30;
	assert_int_equal(local_login_code(f->db, &q, challenge, csrf,
					  code_text(c, code_for(secret, step)),
					  &o),
			 NARA_OK);
	assert_int_equal(o.result, LOCAL_WRONG);
	/* The next step's code is in the window, and logs in, once. */
	assert_int_equal(
	    local_login_code(f->db, &q, challenge, csrf,
			     code_text(c, code_for(secret, step + 1)), &o),
	    NARA_OK);
	assert_int_equal(o.result, LOCAL_LOGGED_IN);
	assert_string_equal(o.next, "/arbete");
	struct session s;
	assert_int_equal(session_lookup(f->db, o.token, T0 + 2, &s), NARA_OK);
	/* The challenge is gone with the login. */
	assert_int_equal(
	    local_login_code(f->db, &q, challenge, csrf,
			     code_text(c, code_for(secret, step + 1)), &o),
	    NARA_ENOTFOUND);
	/* A new login: the same code again is refused, as replayed. */
	assert_int_equal(
	    login(f->db, T0 + 2, "admin.anna", "korrekt häst batteri", &o),
	    LOCAL_NEEDS_CODE);
	strcpy(challenge, o.token);
	challenge_csrf(f, challenge, T0 + 2, csrf);
	assert_int_equal(
	    local_login_code(f->db, &q, challenge, csrf,
			     code_text(c, code_for(secret, step + 1)), &o),
	    NARA_OK);
	assert_int_equal(o.result, LOCAL_WRONG);
	assert_int_equal(
	    count(f->db,
		  "SELECT count(*) FROM audit_log WHERE action = 'login_failed'"
		  " AND reason = ?",
		  "code"),
	    2);
	assert_int_equal(
	    count(f->db, "SELECT count(*) FROM audit_log WHERE action = ?",
		  "login_password_ok"),
	    2);
	/* A challenge lives five minutes. */
	struct local_request late = at(T0 + 2 + LOCAL_CHALLENGE_SECONDS);
	assert_int_equal(
	    local_login_code(f->db, &late, challenge, csrf, "123456", &o),
	    NARA_ENOTFOUND);
}

static void test_code_failures_count_toward_lockout(void **state)
{
	struct fixture *f = F(state);
	unsigned char secret[TOTP_SECRET_BYTES];
	enrol(f, secret);
	struct local_request q = at(T0 + 1);
	struct local_outcome o;
	char csrf[SESSION_TOKEN_LEN + 1], challenge[SESSION_TOKEN_LEN + 1];
	/* Two wrong passwords, then codes: the right password between does
	 * not clear the count, or a thief with the password could guess
	 * codes forever. */
	login(f->db, T0 + 1, "admin.anna", "fel", &o);
	login(f->db, T0 + 1, "admin.anna", "fel", &o);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(login(f->db, T0 + 1, "admin.anna",
				       "korrekt häst batteri", &o),
				 LOCAL_NEEDS_CODE);
		strcpy(challenge, o.token);
		challenge_csrf(f, challenge, T0 + 1, csrf);
		assert_int_equal(local_login_code(f->db, &q, challenge, csrf,
						  "not a code", &o),
				 NARA_OK);
		assert_int_equal(o.result, LOCAL_WRONG);
	}
	char c[8];
	assert_int_equal(
	    local_login_code(f->db, &q, challenge, csrf,
			     code_text(c, wrong_code(secret, T0 + 1)), &o),
	    NARA_OK);
	assert_int_equal(o.result, LOCAL_LOCKED);
	assert_int_equal(o.locked_until, T0 + 1 + LOCAL_LOCK_SECONDS);
	/* The lock ended the challenge: even the right code cannot follow. */
	assert_int_equal(
	    local_login_code(f->db, &q, challenge, csrf,
			     code_text(c, code_for(secret, T0 / 30 + 1)), &o),
	    NARA_ENOTFOUND);
}

static void test_turn_off_needs_a_code(void **state)
{
	struct fixture *f = F(state);
	unsigned char secret[TOTP_SECRET_BYTES];
	enrol(f, secret);
	struct local_request q = at(T0 + 31);
	struct local_outcome o;
	char c[8];
	assert_int_equal(
	    local_totp_disable(f->db, &q, f->staff_id,
			       code_text(c, wrong_code(secret, T0 + 31)), &o),
	    NARA_OK);
	assert_int_equal(o.result, LOCAL_WRONG);
	assert_int_equal(
	    count(f->db, "SELECT failed_count FROM local_account", NULL), 1);
	/* Setting up again while on is refused. */
	unsigned char other[TOTP_SECRET_BYTES];
	assert_int_equal(local_totp_begin(f->db, &q, f->staff_id, other),
			 NARA_ECONFLICT);
	assert_int_equal(
	    local_totp_disable(f->db, &q, f->staff_id,
			       code_text(c, code_for(secret, (T0 + 31) / 30)),
			       &o),
	    NARA_OK);
	assert_int_equal(o.result, LOCAL_LOGGED_IN);
	struct local_status st;
	assert_int_equal(local_status(f->db, f->staff_id, &st), NARA_OK);
	assert_int_equal(st.totp_enabled, 0);
	assert_int_equal(st.totp_pending, 0);
	assert_int_equal(
	    count(f->db, "SELECT count(*) FROM audit_log WHERE action = ?",
		  "totp_off"),
	    1);
	assert_int_equal(
	    local_totp_disable(f->db, &q, f->staff_id, "123456", &o),
	    NARA_ENOTFOUND);
	/* Off: the password alone logs in. */
	assert_int_equal(
	    login(f->db, T0 + 32, "admin.anna", "korrekt häst batteri", &o),
	    LOCAL_LOGGED_IN);
	/* Set-up begun and given up leaves nothing behind. */
	assert_int_equal(local_totp_begin(f->db, &q, f->staff_id, other),
			 NARA_OK);
	/* Under another key the secret being set up does not open. */
	unsigned char wrong_key[32];
	memcpy(wrong_key, test_key, sizeof(wrong_key));
	wrong_key[0] ^= 1;
	struct local_request wrong_q = q;
	wrong_q.key = wrong_key;
	unsigned char opened[TOTP_SECRET_BYTES];
	assert_int_equal(
	    local_totp_pending(f->db, &wrong_q, f->staff_id, opened),
	    NARA_EINTEGRITY);
	assert_int_equal(local_totp_pending(f->db, &q, f->staff_id, opened),
			 NARA_OK);
	assert_memory_equal(opened, other, TOTP_SECRET_BYTES);
	assert_int_equal(local_totp_cancel(f->db, f->staff_id), NARA_OK);
	assert_int_equal(local_status(f->db, f->staff_id, &st), NARA_OK);
	assert_int_equal(st.totp_pending, 0);
	assert_int_equal(local_totp_pending(f->db, &q, f->staff_id, other),
			 NARA_ENOTFOUND);
}

static void test_operator_reset_and_key_check(void **state)
{
	struct fixture *f = F(state);
	int64_t enabled = -1, other = -1;
	assert_int_equal(local_key_check(f->db, NULL, &enabled, &other),
			 NARA_OK);
	assert_int_equal(enabled, 0);
	unsigned char secret[TOTP_SECRET_BYTES];
	enrol(f, secret);
	assert_int_equal(local_key_check(f->db, test_key, &enabled, &other),
			 NARA_OK);
	assert_int_equal(enabled, 1);
	assert_int_equal(other, 0);
	unsigned char wrong[32];
	memcpy(wrong, test_key, 32);
	wrong[5] ^= 1;
	assert_int_equal(local_key_check(f->db, wrong, &enabled, &other),
			 NARA_OK);
	assert_int_equal(other, 1);
	assert_int_equal(local_key_check(f->db, NULL, &enabled, &other),
			 NARA_OK);
	assert_int_equal(other, 1);

	/* With the wrong key the code step cannot check: an error, not a guess.
	 */
	struct local_outcome o;
	char csrf[SESSION_TOKEN_LEN + 1], c[8];
	assert_int_equal(
	    login(f->db, T0 + 40, "admin.anna", "korrekt häst batteri", &o),
	    LOCAL_NEEDS_CODE);
	char challenge[SESSION_TOKEN_LEN + 1];
	strcpy(challenge, o.token);
	challenge_csrf(f, challenge, T0 + 40, csrf);
	struct local_request q = at(T0 + 40);
	q.key = wrong;
	assert_int_equal(
	    local_login_code(f->db, &q, challenge, csrf,
			     code_text(c, code_for(secret, (T0 + 40) / 30)),
			     &o),
	    NARA_EINTEGRITY);
	assert_int_equal(
	    count(f->db, "SELECT failed_count FROM local_account", NULL), 0);

	/* The operator turns TOTP off (a lost phone): the password is enough.
	 */
	assert_int_equal(local_totp_reset(f->db, f->staff_id), NARA_OK);
	assert_int_equal(
	    count(f->db, "SELECT count(*) FROM audit_log WHERE action = ?",
		  "totp_reset"),
	    1);
	assert_int_equal(
	    login(f->db, T0 + 41, "admin.anna", "korrekt häst batteri", &o),
	    LOCAL_LOGGED_IN);
	assert_int_equal(local_totp_reset(f->db, f->staff_id + 100),
			 NARA_ENOTFOUND);
	int64_t id = 0;
	assert_int_equal(local_staff_id(f->db, "admin.anna", &id), NARA_OK);
	assert_int_equal(id, f->staff_id);
	assert_int_equal(local_staff_id(f->db, "ingen", &id), NARA_ENOTFOUND);
}

#define T(fn, setup, teardown)                                                 \
	cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define TESTS(setup, teardown)                                                 \
	{                                                                      \
		T(test_right_password_logs_in, setup, teardown),               \
		    T(test_wrong_and_unknown_alike, setup, teardown),          \
		    T(test_lockout, setup, teardown),                          \
		    T(test_two_nodes_share_the_count, setup, teardown),        \
		    T(test_rehash_at_login, setup, teardown),                  \
		    T(test_new_password_clears_lock_and_sessions, setup,       \
		      teardown),                                               \
		    T(test_totp_required_once_per_step, setup, teardown),      \
		    T(test_code_failures_count_toward_lockout, setup,          \
		      teardown),                                               \
		    T(test_turn_off_needs_a_code, setup, teardown),            \
		    T(test_operator_reset_and_key_check, setup, teardown),     \
	}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] =
	    TESTS(setup_sqlite, teardown_sqlite);
	const struct CMUnitTest pg_tests[] = TESTS(setup_pg, teardown_pg);
	int failed = cmocka_run_group_tests_name("local_account/sqlite",
						 sqlite_tests, NULL, NULL);
	if (pg_url() != NULL)
		failed += cmocka_run_group_tests_name(
		    "local_account/postgresql", pg_tests, NULL, NULL);
	else
		fprintf(stderr, "NARA_TEST_PG_URL is not set: "
				"local_account/postgresql skipped\n");
	return failed;
}

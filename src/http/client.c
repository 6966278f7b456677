/* Outgoing HTTP with libcurl; see client.h. */
#include "http/client.h"

#include <curl/curl.h>

enum { CONNECT_TIMEOUT_MS = 5000, TOTAL_TIMEOUT_MS = 10000 };

enum nara_err http_client_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? NARA_OK
								 : NARA_ENOMEM;
}

void http_client_cleanup(void)
{
	curl_global_cleanup();
}

struct sink {
	struct buf *out;
	int too_big;
};

/* Returning less than given makes libcurl stop with CURLE_WRITE_ERROR. */
static size_t on_body(char *data, size_t size, size_t count, void *arg)
{
	struct sink *s = arg;
	size_t n = size * count;
	if (s->out->len + n > HTTP_CLIENT_MAX_BODY) {
		s->too_big = 1;
		return 0;
	}
	buf_add(s->out, data, n);
	return s->out->failed ? 0 : n;
}

enum nara_err http_client_fetch(const char *url, const char *form,
				const char *user, const char *password,
				long *status, struct buf *out)
{
	*status = 0;
	CURL *c = curl_easy_init();
	if (c == NULL)
		return NARA_ENOMEM;
	struct sink sink = {.out = out};
	struct curl_slist *headers =
	    curl_slist_append(NULL, "Accept: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "nara");
	/* Signals are the main thread's (sigwait); libcurl must not use them.
	 */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)TOTAL_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)HTTP_CLIENT_MAX_BODY);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	if (form != NULL)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
	if (user != NULL) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, password ? password : "");
	}
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	if (out->failed)
		return NARA_ENOMEM;
	if (sink.too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return NARA_ETOOBIG;
	return rc == CURLE_OK ? NARA_OK : NARA_EIO;
}

/* URL escaping and the rule for peers we call; see url.h. */
#include "core/url.h"

#include <string.h>
#include <strings.h>

void url_escape(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			buf_addc(out, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_add(out, e, 3);
		}
	}
}

/* "127." followed by digits and dots only: the IPv4 loopback network. */
static int is_loopback_v4(const char *host, size_t len)
{
	if (len < 5 || strncmp(host, "127.", 4) != 0)
		return 0;
	for (size_t i = 4; i < len; i++)
		if (host[i] != '.' && (host[i] < '0' || host[i] > '9'))
			return 0;
	return 1;
}

int url_is_secure_or_loopback(const char *url)
{
	if (url == NULL)
		return 0;
	size_t len = strnlen(url, URL_MAX + 1);
	if (len > URL_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
			return 0;
	int https = strncmp(url, "https://", 8) == 0;
	if (!https && strncmp(url, "http://", 7) != 0)
		return 0;
	const char *authority = url + (https ? 8 : 7);
	size_t alen = strcspn(authority, "/?#");
	/* User info could make "https://good@evil" read as the wrong host. */
	if (alen == 0 || memchr(authority, '@', alen) != NULL)
		return 0;
	/* The host without the port: [v6] or up to the last colon. */
	size_t hlen = alen;
	if (authority[0] == '[') {
		const char *close = memchr(authority, ']', alen);
		if (close == NULL)
			return 0;
		hlen = (size_t)(close - authority) + 1;
		if (hlen < alen && authority[hlen] != ':')
			return 0;
	} else {
		const char *colon = memchr(authority, ':', alen);
		if (colon != NULL)
			hlen = (size_t)(colon - authority);
	}
	if (hlen == 0)
		return 0;
	if (https)
		return 1;
	return is_loopback_v4(authority, hlen) ||
	       (hlen == 5 && memcmp(authority, "[::1]", 5) == 0) ||
	       (hlen == 9 && strncasecmp(authority, "localhost", 9) == 0);
}

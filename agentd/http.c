// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * http.c - GET /metrics over libmicrohttpd (http.h). Every other path is
 * 404, every other method 405; the page is made afresh for each request
 * from the daemon's last sample.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>

#include "http.h"

#define CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct kd_http {
	struct MHD_Daemon *d;
	kd_http_page_fn page;
	void *ctx;
};

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v == 0 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int kd_http_parse_listen(const char *s, void *sa, unsigned int *salen,
			 const char **why)
{
	struct sockaddr_in *in4 = sa;
	struct sockaddr_in6 *in6 = sa;
	const char *colon = strrchr(s, ':');
	char host[64];
	uint16_t port;

	*why = "expected ADDR:PORT, [ADDR6]:PORT or PORT";
	if (parse_port(colon ? colon + 1 : s, &port))
		return -EINVAL;
	snprintf(host, sizeof(host), "%.*s", colon ? (int)(colon - s) : 0, s);
	memset(sa, 0, sizeof(struct sockaddr_in6));
	if (!host[0] || inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		if (!host[0])
			in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*salen = sizeof(*in4);
		*why = "not a loopback address (127.0.0.0/8 or ::1)";
		return (ntohl(in4->sin_addr.s_addr) >> 24) == 127 ? 0 : -EINVAL;
	}
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		host[strlen(host) - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons(port);
			*salen = sizeof(*in6);
			*why = "not a loopback address (127.0.0.0/8 or ::1)";
			return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ? 0 : -EINVAL;
		}
	}
	return -EINVAL;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int code,
			     char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result plain(struct MHD_Connection *conn, unsigned int code,
			     const char *text)
{
	char *body = strdup(text);

	return body ? reply(conn, code, body, strlen(body)) : MHD_NO;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct kd_http *h = cls;
	char *body = NULL;
	size_t len = 0;
	FILE *f;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return plain(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET only\n");
	if (strcmp(url, "/metrics"))
		return plain(conn, MHD_HTTP_NOT_FOUND, "see /metrics\n");
	f = open_memstream(&body, &len);
	if (!f)
		return MHD_NO;
	if (h->page(h->ctx, f)) {
		fclose(f);
		free(body);
		return plain(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
			     "cannot make the page\n");
	}
	if (fclose(f)) {
		free(body);
		return MHD_NO;
	}
	return reply(conn, MHD_HTTP_OK, body, len);
}

int kd_http_start(struct kd_http **hp, const char *listen, kd_http_page_fn page,
		  void *ctx, const char **why)
{
	struct sockaddr_in6 sa;
	unsigned int salen;
	struct kd_http *h;

	if (kd_http_parse_listen(listen, &sa, &salen, why))
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->page = page;
	h->ctx = ctx;
	h->d = MHD_start_daemon(MHD_USE_EPOLL |
				(sa.sin6_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				0, NULL, NULL, on_request, h,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)16,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
				MHD_OPTION_END);
	if (!h->d) {
		free(h);
		*why = "cannot listen there (in use, or not allowed)";
		return -EADDRNOTAVAIL;
	}
	*hp = h;
	return 0;
}

int kd_http_fd(const struct kd_http *h)
{
	const union MHD_DaemonInfo *i;

	i = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD);
	return i ? i->epoll_fd : -1;
}

void kd_http_run(struct kd_http *h)
{
	if (h)
		MHD_run(h->d);
}

void kd_http_stop(struct kd_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}

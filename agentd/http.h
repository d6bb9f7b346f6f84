/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * http.h - the optional HTTP /metrics endpoint (libmicrohttpd), off by
 * default. It serves loopback addresses only: kallocd holds
 * CAP_NET_ADMIN, and its metrics are for a local Prometheus or agent.
 * libmicrohttpd runs without threads of its own, in epoll mode: its
 * epoll fd joins kallocd's loop, and kd_http_run() does its work.
 */
#ifndef KALLOCD_HTTP_H
#define KALLOCD_HTTP_H

#include <stdio.h>

struct kd_http;

/* Writes the metrics page into f when a client asks for it. */
typedef int (*kd_http_page_fn)(void *ctx, FILE *f);

/*
 * Parses "ADDR:PORT", "[ADDR6]:PORT" or "PORT" (127.0.0.1) into a loopback
 * socket address; -EINVAL for anything else, with why.
 */
int kd_http_parse_listen(const char *s, void *sa, unsigned int *salen,
			 const char **why);
int kd_http_start(struct kd_http **hp, const char *listen, kd_http_page_fn page,
		  void *ctx, const char **why);
int kd_http_fd(const struct kd_http *h);
void kd_http_run(struct kd_http *h);
void kd_http_stop(struct kd_http *h);

#endif /* KALLOCD_HTTP_H */

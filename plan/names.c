// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * names.c - a set of strings, each with a value: open addressing with
 * linear probing over FNV-1a, sized at twice the expected entries and
 * doubled when half full. It makes the duplicate check and the diff
 * linear: a plan of 70,000 statements compared pairwise took 12 s.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "plan_priv.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

int plan_names_init(struct name_set *s, size_t expect)
{
	size_t cap = 16;

	while (cap < expect * 2)
		cap *= 2;
	s->slot = calloc(cap, sizeof(*s->slot));
	s->cap = s->slot ? cap : 0;
	s->n = 0;
	return s->slot ? 0 : -ENOMEM;
}

static struct name_slot *find(const struct name_set *s, const char *key)
{
	size_t i = hash(key) & (s->cap - 1);

	while (s->slot[i].key && strcmp(s->slot[i].key, key))
		i = (i + 1) & (s->cap - 1);
	return &s->slot[i];
}

static int rehash(struct name_set *s)
{
	struct name_set bigger = { 0 };
	size_t i;

	bigger.slot = calloc(s->cap * 2, sizeof(*bigger.slot));
	if (!bigger.slot)
		return -ENOMEM;
	bigger.cap = s->cap * 2;
	for (i = 0; i < s->cap; i++) {
		if (s->slot[i].key)
			*find(&bigger, s->slot[i].key) = s->slot[i];
	}
	bigger.n = s->n;
	free(s->slot);
	*s = bigger;
	return 0;
}

const void *plan_names_add(struct name_set *s, const char *key,
			   const void *val, bool *oom)
{
	struct name_slot *slot = find(s, key);

	if (slot->key)
		return slot->val;
	slot->key = key;
	slot->val = val;
	if (++s->n * 2 > s->cap && rehash(s))
		*oom = true;
	return NULL;
}

const void *plan_names_get(const struct name_set *s, const char *key)
{
	const struct name_slot *slot;

	if (!s->cap)
		return NULL;
	slot = find(s, key);
	return slot->key ? slot->val : NULL;
}

void plan_names_free(struct name_set *s)
{
	free(s->slot);
	s->slot = NULL;
	s->cap = s->n = 0;
}

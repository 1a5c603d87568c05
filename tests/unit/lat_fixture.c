/*
 * lat_fixture.c - sidecar lines with "lat" objects for the units (lat_fixture.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hist.h"
#include "lat_fixture.h"

static struct json_object *hist_of(const uint64_t *v, unsigned int n)
{
	struct idr_hist *h = malloc(sizeof(*h));
	struct json_object *o;
	unsigned int i;

	if (!h)
		return NULL;
	idr_hist_init(h);
	for (i = 0; i < n; i++)
		idr_hist_add(h, v[i]);
	o = idr_hist_to_json(h);
	free(h);
	return o;
}

struct json_object *lat_fixture_lat(const uint64_t *rd, unsigned int nr, const uint64_t *wr,
				    unsigned int nw, bool batched)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "clock", json_object_new_string("CLOCK_MONOTONIC"));
	json_object_object_add(o, "from", json_object_new_string("submitted: the call returned"));
	json_object_object_add(o, "to", json_object_new_string("completion seen"));
	json_object_object_add(o, "batched", json_object_new_boolean(batched));
	if (nr)
		json_object_object_add(o, "read", hist_of(rd, nr));
	if (nw)
		json_object_object_add(o, "write", hist_of(wr, nw));
	return o;
}

char *lat_fixture_line(const char *engine, const char *job, int tn, unsigned int nr,
		       struct json_object *lat)
{
	char head[1024], *line = NULL;
	const char *l = lat ? json_object_to_json_string_ext(lat, JSON_C_TO_STRING_PLAIN) : NULL;

	snprintf(head, sizeof(head),
		 "{\"format\":1,\"engine\":\"%s\",\"build\":\"t\",\"fio\":\"fio-3.33\","
		 "\"job\":{\"name\":\"%s\",\"thread_number\":%d,\"rw\":\"randread\"},"
		 "\"counters\":{\"ios\":%u,\"bytes\":%u,\"syscalls\":%u,\"elapsed_ns\":%u},"
		 "\"cpu\":{\"total_ns\":%u,\"workers\":0}",
		 engine, job, tn, nr, nr * 4096, nr, 1000 * nr + 1, 2000 * nr + 1);
	if (asprintf(&line, "%s%s%s}", head, l ? ",\"lat\":" : "", l ? l : "") < 0)
		line = NULL;
	json_object_put(lat);
	return line;
}

void lat_fixture_uniform(uint64_t *v, unsigned int n, uint64_t lo, uint64_t hi)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		v[i] = lo + (n > 1 ? (hi - lo) * i / (n - 1) : 0);
}

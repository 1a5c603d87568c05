/*
 * hist.c - the log-linear latency histogram (hist.h): bucket bounds, merge, quantiles,
 * and its JSON form in the sidecar, written and read here alone.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <json-c/json.h>

#include "hist.h"

#define HALF (1u << (IDR_HIST_SUB_BITS - 1))

void idr_hist_init(struct idr_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min_ns = UINT64_MAX;
}

uint64_t idr_hist_bucket_low(unsigned int i)
{
	unsigned int shift;

	if (i < (1u << IDR_HIST_SUB_BITS))
		return i;
	shift = (i >> (IDR_HIST_SUB_BITS - 1)) - 1;
	return (uint64_t)(i - (shift << (IDR_HIST_SUB_BITS - 1))) << shift;
}

uint64_t idr_hist_bucket_width(unsigned int i)
{
	if (i < (1u << IDR_HIST_SUB_BITS))
		return 1;
	return 1ull << ((i >> (IDR_HIST_SUB_BITS - 1)) - 1);
}

void idr_hist_merge(struct idr_hist *dst, const struct idr_hist *src)
{
	unsigned int i;

	if (!src->count)
		return;
	for (i = 0; i < IDR_HIST_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	if (src->min_ns < dst->min_ns)
		dst->min_ns = src->min_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
}

uint64_t idr_hist_quantile(const struct idr_hist *h, double q)
{
	uint64_t rank, seen = 0, mid;
	unsigned int i;

	if (!h->count)
		return 0;
	if (!(q > 0))
		return h->min_ns;
	if (q >= 1)
		return h->max_ns;
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < IDR_HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	if (i == IDR_HIST_BUCKETS)
		return h->max_ns;
	/* The bucket's midpoint: within 0.4% of every value in it (exact below 256 ns). */
	mid = idr_hist_bucket_low(i) + idr_hist_bucket_width(i) / 2;
	if (mid < h->min_ns)
		return h->min_ns;
	return mid > h->max_ns ? h->max_ns : mid;
}

double idr_hist_mean_ns(const struct idr_hist *h)
{
	return h->count ? (double)h->sum_ns / (double)h->count : 0;
}

static int put_u64(struct json_object *o, const char *key, uint64_t v)
{
	struct json_object *n = json_object_new_uint64(v);

	return n ? json_object_object_add(o, key, n) : -1;
}

static struct json_object *buckets_json(const struct idr_hist *h)
{
	struct json_object *arr = json_object_new_array(), *pair;
	unsigned int i;

	for (i = 0; arr && i < IDR_HIST_BUCKETS; i++) {
		if (!h->bucket[i])
			continue;
		pair = json_object_new_array_ext(2);
		if (!pair || json_object_array_add(arr, pair)) {
			json_object_put(pair);
			json_object_put(arr);
			return NULL;
		}
		json_object_array_add(pair, json_object_new_uint64(i));
		json_object_array_add(pair, json_object_new_uint64(h->bucket[i]));
	}
	return arr;
}

struct json_object *idr_hist_to_json(const struct idr_hist *h)
{
	static const struct {
		const char *key;
		double q;
	} qs[] = { { "p50_ns", 0.50 },
		   { "p90_ns", 0.90 },
		   { "p99_ns", 0.99 },
		   { "p99_9_ns", 0.999 } };
	struct json_object *o = json_object_new_object(), *hist = json_object_new_object();
	struct json_object *buckets = buckets_json(h);
	int bad = !o || !hist || !buckets;
	size_t i;

	if (!bad) {
		bad |= put_u64(o, "count", h->count);
		bad |= put_u64(o, "min_ns", h->count ? h->min_ns : 0);
		bad |= put_u64(o, "max_ns", h->max_ns);
		bad |= json_object_object_add(o, "mean_ns",
					      json_object_new_double(idr_hist_mean_ns(h)));
		bad |= put_u64(o, "sum_ns", h->sum_ns);
		for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
			bad |= put_u64(o, qs[i].key, idr_hist_quantile(h, qs[i].q));
		bad |= json_object_object_add(hist, "scheme", json_object_new_string("log-linear"));
		bad |= put_u64(hist, "sub_bits", IDR_HIST_SUB_BITS);
		bad |= json_object_object_add(hist, "buckets", buckets);
		buckets = NULL;
		bad |= json_object_object_add(o, "hist", hist);
		hist = NULL;
	}
	json_object_put(buckets);
	json_object_put(hist);
	if (bad) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* A non-negative integer member, or -EINVAL. */
static int get_u64(const struct json_object *o, const char *key, uint64_t *v)
{
	struct json_object *m;

	if (!json_object_object_get_ex(o, key, &m) || !json_object_is_type(m, json_type_int) ||
	    json_object_get_int64(m) < 0)
		return -EINVAL;
	*v = json_object_get_uint64(m);
	return 0;
}

static int read_buckets(const struct json_object *arr, struct idr_hist *h)
{
	uint64_t total = 0, idx, cnt;
	struct json_object *pair;
	size_t i, n = json_object_array_length(arr);

	for (i = 0; i < n; i++) {
		pair = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(pair, json_type_array) ||
		    json_object_array_length(pair) != 2 ||
		    !json_object_is_type(json_object_array_get_idx(pair, 0), json_type_int) ||
		    !json_object_is_type(json_object_array_get_idx(pair, 1), json_type_int) ||
		    json_object_get_int64(json_object_array_get_idx(pair, 0)) < 0 ||
		    json_object_get_int64(json_object_array_get_idx(pair, 1)) < 0)
			return -EINVAL;
		idx = json_object_get_uint64(json_object_array_get_idx(pair, 0));
		cnt = json_object_get_uint64(json_object_array_get_idx(pair, 1));
		if (idx >= IDR_HIST_BUCKETS)
			return -EINVAL;
		h->bucket[idx] += cnt;
		total += cnt;
	}
	return total == h->count ? 0 : -EINVAL;
}

int idr_hist_from_json(const struct json_object *o, struct idr_hist *h)
{
	struct json_object *hist, *scheme, *arr;
	uint64_t sub_bits;

	idr_hist_init(h);
	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "hist", &hist) ||
	    !json_object_object_get_ex(hist, "scheme", &scheme) ||
	    !json_object_is_type(scheme, json_type_string) ||
	    strcmp(json_object_get_string(scheme), "log-linear") ||
	    get_u64(hist, "sub_bits", &sub_bits) || sub_bits != IDR_HIST_SUB_BITS ||
	    !json_object_object_get_ex(hist, "buckets", &arr) ||
	    !json_object_is_type(arr, json_type_array) || get_u64(o, "count", &h->count) ||
	    get_u64(o, "min_ns", &h->min_ns) || get_u64(o, "max_ns", &h->max_ns) ||
	    get_u64(o, "sum_ns", &h->sum_ns))
		goto bad;
	if (!h->count)
		h->min_ns = UINT64_MAX;
	if (read_buckets(arr, h) || (h->count && h->min_ns > h->max_ns))
		goto bad;
	return 0;
bad:
	idr_hist_init(h);
	return -EINVAL;
}

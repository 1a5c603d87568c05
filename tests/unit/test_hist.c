/*
 * test_hist.c - engines/core/hist.c: bucket bounds (every value in its bucket, buckets
 * contiguous, at most 1/128 wide), quantiles against a sorted reference on random data,
 * merge, and the sidecar's JSON form read back (and refused when it is not one).
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hist.h"
#include "unit.h"

static struct idr_hist h, g, r;

static void bounds(void)
{
	unsigned int i, bad = 0;
	uint64_t low, w, v;

	for (i = 0; i < IDR_HIST_BUCKETS; i++) {
		low = idr_hist_bucket_low(i);
		w = idr_hist_bucket_width(i);
		/* contiguous: each bucket starts where the previous one ended */
		if (i && low != idr_hist_bucket_low(i - 1) + idr_hist_bucket_width(i - 1))
			bad++;
		if (idr_hist_index(low) != i || idr_hist_index(low + w - 1) != i)
			bad++;
		if (low >= 256 && w * 128 > low)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* exact below 256 ns; 2^40 - 1 is the last bucket's last value; beyond it clamps */
	for (v = 0; v < 256; v++)
		CU_ASSERT_EQUAL(idr_hist_index(v), v);
	CU_ASSERT_EQUAL(idr_hist_index((1ull << 40) - 1), IDR_HIST_BUCKETS - 1);
	CU_ASSERT_EQUAL(idr_hist_index(1ull << 41), IDR_HIST_BUCKETS - 1);
	CU_ASSERT_EQUAL(idr_hist_index(UINT64_MAX), IDR_HIST_BUCKETS - 1);
	CU_ASSERT(sizeof(struct idr_hist) < 36 * 1024);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank in a sorted array: the value at rank ceil(q * n). */
static uint64_t ref_quantile(const uint64_t *v, size_t n, double q)
{
	size_t rank = (size_t)(q * (double)n + 0.999999999);

	return v[(rank ? rank : 1) - 1];
}

static int within(uint64_t got, uint64_t want, double rel)
{
	double d = (double)got - (double)want;

	return (d < 0 ? -d : d) <= rel * (double)want + 0.5;
}

static void quantiles_random(void)
{
	static const double qs[] = { 0.001, 0.1, 0.5, 0.9, 0.99, 0.999 };
	enum { N = 20000 };
	static uint64_t v[N];
	unsigned int round, k, bad = 0;
	size_t i;

	srand(7);
	for (round = 0; round < 3; round++) {
		idr_hist_init(&h);
		for (i = 0; i < N; i++) {
			/* log-uniform from 50 ns to ~50 ms, with a heavy tail in round 2 */
			double e = 5.6 + 14.0 * rand() / (double)RAND_MAX;

			v[i] = (uint64_t)__builtin_exp2(e + (round == 2 && i % 97 == 0 ? 6 : 0));
			idr_hist_add(&h, v[i]);
		}
		qsort(v, N, sizeof(v[0]), cmp_u64);
		for (k = 0; k < sizeof(qs) / sizeof(qs[0]); k++)
			bad += !within(idr_hist_quantile(&h, qs[k]), ref_quantile(v, N, qs[k]),
				       0.004);
		CU_ASSERT_EQUAL(idr_hist_quantile(&h, 0), v[0]);
		CU_ASSERT_EQUAL(idr_hist_quantile(&h, 1), v[N - 1]);
		CU_ASSERT_EQUAL(h.count, N);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void small_and_empty(void)
{
	idr_hist_init(&h);
	CU_ASSERT_EQUAL(idr_hist_quantile(&h, 0.5), 0);
	CU_ASSERT_DOUBLE_EQUAL(idr_hist_mean_ns(&h), 0, 1e-9);
	idr_hist_add(&h, 1000);
	idr_hist_add(&h, 3000);
	/* nearest rank of 2 values: p50 is the first, p99 the second (clamped to max) */
	CU_ASSERT(within(idr_hist_quantile(&h, 0.5), 1000, 0.004));
	CU_ASSERT_EQUAL(idr_hist_quantile(&h, 0.99), 3000);
	CU_ASSERT_DOUBLE_EQUAL(idr_hist_mean_ns(&h), 2000, 1e-9);
}

static void merge(void)
{
	uint64_t i;

	idr_hist_init(&h);
	idr_hist_init(&g);
	idr_hist_init(&r);
	for (i = 1; i <= 1000; i++) {
		idr_hist_add(i % 2 ? &h : &g, i * 1000);
		idr_hist_add(&r, i * 1000);
	}
	idr_hist_merge(&h, &g);
	CU_ASSERT_EQUAL(memcmp(&h, &r, sizeof(h)), 0);
	CU_ASSERT_EQUAL(h.min_ns, 1000);
	CU_ASSERT_EQUAL(h.max_ns, 1000000);
	/* merging an empty one changes nothing, min included */
	idr_hist_init(&g);
	idr_hist_merge(&h, &g);
	CU_ASSERT_EQUAL(memcmp(&h, &r, sizeof(h)), 0);
}

static void json_round_trip(void)
{
	struct json_object *o, *p;
	uint64_t i;

	idr_hist_init(&h);
	for (i = 0; i < 5000; i++)
		idr_hist_add(&h, 20000 + i * 37);
	o = idr_hist_to_json(&h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	p = json_tokener_parse(json_object_to_json_string(o));
	CU_ASSERT_EQUAL(idr_hist_from_json(p, &g), 0);
	CU_ASSERT_EQUAL(memcmp(&h, &g, sizeof(h)), 0);
	CU_ASSERT_EQUAL(json_object_get_uint64(json_object_object_get(p, "p50_ns")),
			idr_hist_quantile(&h, 0.5));
	json_object_put(p);
	json_object_put(o);
	/* empty */
	idr_hist_init(&h);
	o = idr_hist_to_json(&h);
	CU_ASSERT_EQUAL(idr_hist_from_json(o, &g), 0);
	CU_ASSERT_EQUAL(g.count, 0);
	json_object_put(o);
}

static void json_refused(void)
{
	static const char *const bad[] = {
		"{}",
		"{\"count\":1,\"min_ns\":5,\"max_ns\":5,\"sum_ns\":5,\"hist\":{\"scheme\":\"hdr\","
		"\"sub_bits\":8,\"buckets\":[[5,1]]}}",
		"{\"count\":1,\"min_ns\":5,\"max_ns\":5,\"sum_ns\":5,\"hist\":{\"scheme\":"
		"\"log-linear\",\"sub_bits\":7,\"buckets\":[[5,1]]}}",
		/* counts do not add up */
		"{\"count\":2,\"min_ns\":5,\"max_ns\":5,\"sum_ns\":5,\"hist\":{\"scheme\":"
		"\"log-linear\",\"sub_bits\":8,\"buckets\":[[5,1]]}}",
		/* index out of range, negative count */
		"{\"count\":1,\"min_ns\":5,\"max_ns\":5,\"sum_ns\":5,\"hist\":{\"scheme\":"
		"\"log-linear\",\"sub_bits\":8,\"buckets\":[[999999,1]]}}",
		"{\"count\":1,\"min_ns\":5,\"max_ns\":5,\"sum_ns\":5,\"hist\":{\"scheme\":"
		"\"log-linear\",\"sub_bits\":8,\"buckets\":[[5,-1]]}}",
		"{\"count\":1,\"min_ns\":9,\"max_ns\":5,\"sum_ns\":5,\"hist\":{\"scheme\":"
		"\"log-linear\",\"sub_bits\":8,\"buckets\":[[5,1]]}}",
	};
	struct json_object *o;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = json_tokener_parse(bad[i]);
		CU_ASSERT_PTR_NOT_NULL(o);
		CU_ASSERT_EQUAL(idr_hist_from_json(o, &h), -EINVAL);
		CU_ASSERT_EQUAL(h.count, 0);
		json_object_put(o);
	}
	CU_ASSERT_EQUAL(idr_hist_from_json(NULL, &h), -EINVAL);
}

static CU_TestInfo hist_tests[] = {
	{ "idr_hist_index/every value in its bucket, contiguous, 1/128 wide", bounds },
	{ "idr_hist_quantile/random data against a sorted reference, within 0.4%",
	  quantiles_random },
	{ "idr_hist_quantile/empty and two values", small_and_empty },
	{ "idr_hist_merge/two halves equal the whole", merge },
	{ "idr_hist_to_json/read back whole", json_round_trip },
	{ "idr_hist_from_json/not a histogram of this scheme: -EINVAL", json_refused },
	CU_TEST_INFO_NULL,
};

const struct unit_suite unit_suites[] = {
	{ "engines/core/hist.c", hist_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

/*
 * hist.h - a log-linear latency histogram: fixed memory (35 KiB), at most 0.4% relative
 * error from 0 to 2^40 ns (about 18 minutes; longer times land in the last bucket, max
 * stays exact), mergeable across jobs and threads by adding counts. The engines record
 * each I/O's own latency into one (sidecar "lat"); the iodrill command reads, merges and
 * quantiles them with the same code. No fio types.
 *
 * Buckets: values below 2^IDR_HIST_SUB_BITS ns are exact; above, each power of two is cut
 * into 2^(IDR_HIST_SUB_BITS-1) equal buckets, so a bucket is at most 1/128 of its lower
 * bound wide and its midpoint within 0.4% of any value in it.
 */
#ifndef IDR_CORE_HIST_H
#define IDR_CORE_HIST_H

#include <stdint.h>

#define IDR_HIST_SUB_BITS 8
/* The largest shift (values below 2^40 ns), and the bucket count that covers it. */
#define IDR_HIST_MAX_SHIFT (40 - IDR_HIST_SUB_BITS)
#define IDR_HIST_BUCKETS ((IDR_HIST_MAX_SHIFT + 2) << (IDR_HIST_SUB_BITS - 1))

struct idr_hist {
	uint64_t count;
	uint64_t min_ns, max_ns; /* exact; min_ns is UINT64_MAX while empty */
	uint64_t sum_ns;	 /* for the mean */
	uint64_t bucket[IDR_HIST_BUCKETS];
};

/* idr_hist_init - empty h. */
void idr_hist_init(struct idr_hist *h);

/* idr_hist_index - the bucket of a value (ns); the last bucket for values past 2^40. */
static inline unsigned int idr_hist_index(uint64_t v)
{
	unsigned int msb, shift;

	if (v < (1u << IDR_HIST_SUB_BITS))
		return (unsigned int)v;
	msb = 63u - (unsigned int)__builtin_clzll(v);
	shift = msb - IDR_HIST_SUB_BITS + 1;
	if (shift > IDR_HIST_MAX_SHIFT)
		return IDR_HIST_BUCKETS - 1;
	return (shift << (IDR_HIST_SUB_BITS - 1)) + (unsigned int)(v >> shift);
}

/* idr_hist_add - record one value (ns): a few instructions, no branch on the common path
 * beyond the bucket's. */
static inline void idr_hist_add(struct idr_hist *h, uint64_t ns)
{
	h->bucket[idr_hist_index(ns)]++;
	h->count++;
	h->sum_ns += ns;
	if (ns < h->min_ns)
		h->min_ns = ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

/* idr_hist_bucket_low, idr_hist_bucket_width - the values (ns) bucket i holds:
 * [low, low + width). */
uint64_t idr_hist_bucket_low(unsigned int i);
uint64_t idr_hist_bucket_width(unsigned int i);

/* idr_hist_merge - add src's counts to dst. */
void idr_hist_merge(struct idr_hist *dst, const struct idr_hist *src);

/*
 * idr_hist_quantile - the value (ns) at quantile q (0..1) by the nearest-rank rule: the
 * midpoint of the bucket holding rank ceil(q * count), clamped to [min, max]; q = 0 is
 * min, q = 1 is max. 0 for an empty histogram.
 */
uint64_t idr_hist_quantile(const struct idr_hist *h, double q);

/* idr_hist_mean_ns - the exact mean, 0 when empty. */
double idr_hist_mean_ns(const struct idr_hist *h);

struct json_object;

/*
 * idr_hist_to_json - h as the sidecar's object: count, min_ns, max_ns, mean_ns, p50_ns,
 * p90_ns, p99_ns, p99_9_ns, and "hist": {"scheme": "log-linear", "sub_bits": 8,
 * "buckets": [[index, count], ...]} (non-empty buckets only, by index). NULL when out of
 * memory.
 */
struct json_object *idr_hist_to_json(const struct idr_hist *h);

/*
 * idr_hist_from_json - read such an object back into h (the figures are recomputed from
 * the buckets; count, min, max and the sum come from the object). Returns 0, or -EINVAL
 * when it is not one (other scheme or sub_bits, a bad index, counts that do not add up).
 */
int idr_hist_from_json(const struct json_object *o, struct idr_hist *h);

#endif

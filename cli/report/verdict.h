/*
 * verdict.h - is a difference between two sets of repetitions real? One figure (IOPS, a
 * latency, CPU per I/O...) measured n times in run A and m times in run B: the ratio of
 * their medians, the confidence interval of the ratio and the Mann-Whitney U test
 * (stats.h) over the two samples, and a verdict that calls a change only when it is both
 * significant and larger than the smallest change worth telling, as Go's benchstat does.
 * Where many figures are compared at once (a compare of two drills: every engine's IOPS,
 * time, latency, CPU), their p-values are adjusted together (Benjamini-Hochberg), so that
 * more figures do not mean more false alarms. `iodrill results compare`, its plot marks
 * and the drill's "what this shows" all decide through here, so they never disagree.
 */
#ifndef IDR_CLI_VERDICT_H
#define IDR_CLI_VERDICT_H

#include <stdbool.h>

#define IDR_MIN_REPS 5	    /* fewer repetitions in either sample: no verdict */
#define IDR_ALPHA 0.05	    /* a change needs p below this */
#define IDR_CONF 0.95	    /* ... and its confidence interval (at least this) beyond */
#define IDR_MIN_CHANGE 0.05 /* ... +-5% by default */

enum idr_verdict {
	IDR_V_NA,   /* a sample has no value at all */
	IDR_V_FEW,  /* fewer than IDR_MIN_REPS values in a sample: not tested */
	IDR_V_SAME, /* "~": no significant change */
	IDR_V_BETTER,
	IDR_V_WORSE,
};

struct idr_change {
	unsigned int na, nb;  /* the values each sample had (NaN and <= 0 left out) */
	double med_a, med_b;  /* NaN for an empty sample */
	double ratio;	      /* med_b / med_a */
	double lo, hi, level; /* the ratio's confidence interval; NaN when not tested */
	double p;	      /* two-sided Mann-Whitney p; NaN when not tested */
	double p_adj;	      /* p adjusted with the figures compared together (idr_change_family);
				 p itself for a figure on its own */
	bool exact;	      /* p from the exact distribution */
	bool higher_better;
	double min_change;
	enum idr_verdict verdict;
};

/*
 * idr_change - compare sample b[0..nb) with a[0..na), repetitions of one figure, on its own.
 * higher_better: IOPS (true), time, latency and CPU (false). min_change: the smallest
 * relative change called a difference (IDR_MIN_CHANGE). Values that are NaN, infinite or
 * not above 0 are not measurements here and are left out. The verdict is BETTER or WORSE
 * only when p_adj < IDR_ALPHA and the whole interval lies beyond 1 +- min_change; SAME
 * otherwise; FEW under IDR_MIN_REPS values in either sample (the medians and ratio are
 * still given). Returns 0 or -ENOMEM.
 */
int idr_change(const double *a, unsigned int na, const double *b, unsigned int nb,
	       bool higher_better, double min_change, struct idr_change *out);

/*
 * idr_change_family - the figures c[0..n) were compared together (one compare, one plot):
 * adjust the p of those tested by Benjamini-Hochberg (the i-th smallest of m times m/i,
 * then the running minimum from the largest down) and decide their verdicts again on it.
 * When nothing changed, the chance that any of them is called a change stays at most
 * IDR_ALPHA however many there are; each alone would be called at IDR_ALPHA. Returns 0
 * or -ENOMEM (then the verdicts stand as they were).
 */
int idr_change_family(struct idr_change *const *c, unsigned int n);

/* "n/a", "too few repetitions", "~", "better", "worse". */
const char *idr_verdict_name(enum idr_verdict v);

#endif

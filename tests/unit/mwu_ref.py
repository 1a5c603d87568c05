#!/usr/bin/env python3
# mwu_ref.py - the independent reference for tests/unit/test_stats.c's Mann-Whitney
# p-values and ratio intervals (no scipy on the build machine; none needed): every way of
# splitting the pooled values into the two samples is enumerated, with exact fractions for
# the mean ranks of ties; the interval's order statistic k comes from enumerating U without
# ties, its bounds from sorting the pairwise ratios. Not run by the tests (it takes
# seconds); run it by hand to check or extend the expected values:
#     python3 tests/unit/mwu_ref.py

import itertools, math
from fractions import Fraction

def midranks(vals):
    s = sorted(vals)
    r = {}
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        r[s[i]] = Fraction(i + 1 + j, 2)   # mean of ranks i+1..j
        i = j
    return r

def mwu(a, b):
    pooled = list(a) + list(b)
    r = midranks(pooled)
    ranks = [r[v] for v in pooled]
    nb = len(b)
    wb = sum(r[v] for v in b)
    lo = hi = tot = 0
    for idx in itertools.combinations(range(len(pooled)), nb):
        w = sum(ranks[i] for i in idx)
        tot += 1
        lo += w <= wb
        hi += w >= wb
    u = wb - Fraction(nb * (nb + 1), 2)
    p = min(Fraction(1), 2 * Fraction(min(lo, hi), tot))
    return float(u), p

def ci(a, b, conf=0.95):
    na, nb = len(a), len(b)
    # distribution of U without ties: count, over all subsets of ranks 1..n of size nb
    n = na + nb
    cnt = {}
    for idx in itertools.combinations(range(1, n + 1), nb):
        u = sum(idx) - nb * (nb + 1) // 2
        cnt[u] = cnt.get(u, 0) + 1
    tot = math.comb(n, nb)
    alpha2 = Fraction(1 - Fraction(conf).limit_denominator(1000), 2)
    cum = 0; k = 0; below = 0
    for u in range(0, na * nb + 1):
        cum += cnt.get(u, 0)
        if Fraction(cum, tot) > alpha2:
            break
        below = cum; k = u + 1
    if k == 0:
        return None
    rs = sorted(bj / ai for ai in a for bj in b)
    return rs[k - 1], rs[len(rs) - k], 1 - 2 * below / tot, k

cases = {
 "separated 5/5": ([1,2,3,4,5],[6,7,8,9,10]),
 "one swap 5/5": ([1,2,3,4,6],[5,7,8,9,10]),
 "ties 5/5": ([1,2,2,3,3],[2,3,3,4,4]),
 "heavy ties 6/5": ([10,10,10,20,20,30],[20,20,30,30,30]),
 "identical samples": ([3,1,4,1,5],[3,1,4,1,5]),
 "all equal": ([7,7,7,7,7],[7,7,7,7,7]),
 "one outlier 5/5": ([100,101,102,103,104],[100.5,101.5,102.5,103.5,1000]),
 "doubled 5/5": ([1,2,3,4,5],[2,4,6,8,10]),
 "unequal 7/4": ([5.1,4.9,5.3,5.0,5.2,4.8,5.05],[5.6,5.4,5.9,5.5]),
}
for name,(a,b) in cases.items():
    u,p = mwu(a,b)
    print(f"{name}: U={u} p={p} = {float(p):.17g}")
    c = ci(a,b) if min(a+b) > 0 else None
    if c: print(f"   ci k={c[3]} lo={c[0]!r} hi={c[1]!r} level={c[2]} = {float(c[2]):.17g}")

#!/usr/bin/env python3
"""Exact LP values of Lagrangian probing's nodes on an MCLP instance written by PlannerBenchmarks.

For an instance folder (demand.csv: id,x,y,weight; candidates.csv: id,x,y; planar metres), solves
with HiGHS the LP relaxation of the root (p sites, radius r) and, for COUNT sites picked at random
(SEED) outside the root LP's support, the LP of the node with that site fixed in, twice: with every
other site, and with the sites whose remaining coverage lies within another free site's dropped
(dominance inside the node). Prints each node's two values against TARGET (the optimum, or any
answer's value: a node whose LP is at most TARGET is one probing can fix out).

    python3 scripts/analysis/mclp_node_lps.py bench-data/mclp/R4 --target 9386 [--p 10]
        [--radius 1500] [--count 12] [--seed 1]

Needs numpy and highspy (pip install numpy highspy). An analysis aid, not a benchmark: each LP
takes about a second.
"""
import argparse
import csv
import random
import time

import numpy as np
import highspy


def read(folder):
    demand = list(csv.DictReader(open(f"{folder}/demand.csv")))
    sites = list(csv.DictReader(open(f"{folder}/candidates.csv")))
    dxy = np.array([[float(d["x"]), float(d["y"])] for d in demand])
    weight = np.array([float(d["weight"]) for d in demand])
    sxy = np.array([[float(c["x"]), float(c["y"])] for c in sites])
    return dxy, weight, sxy


def lp_value(cols, weight, sites, fixed_in, q):
    """LP optimum of: max Σ w_g z_g, z_g ≤ Σ_{k ∈ sites covering g} x_k, Σ x = q, 0 ≤ x, z ≤ 1,
    demand covered by `fixed_in` counted whole. Demand reached by the same sites is one row."""
    covered = set().union(*[cols[k] for k in fixed_in]) if fixed_in else set()
    base = sum(weight[i] for i in covered)
    groups = {}
    for i in range(len(weight)):
        if i in covered:
            continue
        key = frozenset(k for k in sites if i in cols[k])
        if key:
            groups[key] = groups.get(key, 0.0) + weight[i]
    order = list(sites)
    index = {k: t for t, k in enumerate(order)}
    n_s, n_g = len(order), len(groups)
    model = highspy.HighsLp()
    model.num_col_ = n_s + n_g
    model.col_cost_ = np.concatenate([np.zeros(n_s), -np.array(list(groups.values()))])
    model.col_lower_ = np.zeros(n_s + n_g)
    model.col_upper_ = np.ones(n_s + n_g)
    starts, cols_idx, vals, lower, upper = [0], [], [], [], []
    for t, key in enumerate(groups):
        cols_idx += [n_s + t] + [index[k] for k in key]
        vals += [1.0] + [-1.0] * len(key)
        starts.append(len(cols_idx))
        lower.append(-highspy.kHighsInf)
        upper.append(0.0)
    cols_idx += list(range(n_s))
    vals += [1.0] * n_s
    starts.append(len(cols_idx))
    lower.append(q)
    upper.append(q)
    model.num_row_ = len(lower)
    model.row_lower_ = np.array(lower)
    model.row_upper_ = np.array(upper)
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.start_ = np.array(starts)
    model.a_matrix_.index_ = np.array(cols_idx)
    model.a_matrix_.value_ = np.array(vals)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(model)
    h.run()
    x = list(h.getSolution().col_value[:n_s])
    return base - h.getInfo().objective_function_value, {order[t]: x[t] for t in range(n_s)}


def undominated(cols, sites, fixed_in):
    """The sites whose coverage left after `fixed_in` is no subset of another's (of two equal
    ones, the lower index stays)."""
    covered = set().union(*[cols[k] for k in fixed_in]) if fixed_in else set()
    left = {k: cols[k] - covered for k in sites}
    return [k for k in sites
            if not any(l != k and left[k] <= left[l] and (left[k] != left[l] or l < k) for l in sites)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--target", type=float, required=True)
    ap.add_argument("--p", type=int, default=10)
    ap.add_argument("--radius", type=float, default=1500.0)
    ap.add_argument("--count", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    dxy, weight, sxy = read(a.folder)
    d2 = ((sxy[:, None, :] - dxy[None, :, :]) ** 2).sum(-1)
    cols = [frozenset(np.nonzero(row)[0]) for row in d2 <= a.radius * a.radius]
    sites = undominated(cols, list(range(len(cols))), [])
    t = time.time()
    root, x = lp_value(cols, weight, sites, [], a.p)
    support = [k for k in sites if x[k] > 1e-6]
    print(f"root LP {root:.2f} over {len(sites)} sites ({time.time() - t:.2f} s), {len(support)} in its support")
    pool = [k for k in sites if k not in support]
    random.Random(a.seed).shuffle(pool)
    for j in pool[:a.count]:
        rest = [k for k in sites if k != j]
        plain, _ = lp_value(cols, weight, rest, [j], a.p - 1)
        kept = undominated(cols, rest, [j])
        reduced, _ = lp_value(cols, weight, kept, [j], a.p - 1)
        print(f"site {j}: node LP {plain:.2f}, with node dominance {reduced:.2f} ({len(rest) - len(kept)} dominated), "
              f"{plain - a.target:+.2f} against the target")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Peer for the site-selection benchmark: spopt's MCLP solved exactly by CBC (through PuLP).

Reads DIR/demand.csv (id,x,y,weight) and DIR/candidates.csv (id,x,y) as written by
`swift run -c release PlannerBenchmarks --out DIR`, covers demand within the radius (Euclidean,
metres, the same test as the Swift side: dx² + dy² ≤ r²), solves spopt.locate.MCLP with
pulp.PULP_CBC_CMD and prints one JSON line: objective, status, solve seconds, chosen sites.

Usage: spopt_mclp.py DIR --p 10 --radius 1500 [--time-limit 900] [--instance A]
"""
import argparse
import importlib
import json
import resource
import subprocess
import sys
import time


def ensure(packages):
    missing = []
    for module, package in packages:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    if missing:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *missing])


ensure([("spopt", "spopt"), ("pulp", "pulp")])

import numpy as np  # noqa: E402  (spopt brings numpy)
import pulp  # noqa: E402
from spopt.locate import MCLP  # noqa: E402


def read_csv(path, columns):
    rows = []
    with open(path) as f:
        header = f.readline().strip().split(",")
        index = [header.index(c) for c in columns]
        for line in f:
            parts = line.strip().split(",")
            if len(parts) >= len(header):
                rows.append([parts[i] for i in index])
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--p", type=int, required=True)
    ap.add_argument("--radius", type=float, required=True)
    ap.add_argument("--time-limit", type=float, default=900)
    ap.add_argument("--instance", default="")
    args = ap.parse_args()

    demand = read_csv(f"{args.dir}/demand.csv", ["id", "x", "y", "weight"])
    cands = read_csv(f"{args.dir}/candidates.csv", ["id", "x", "y"])
    dxy = np.array([[float(r[1]), float(r[2])] for r in demand])
    weights = np.array([float(r[3]) for r in demand])
    cxy = np.array([[float(r[1]), float(r[2])] for r in cands])

    r = args.radius
    d2 = ((dxy[:, None, :] - cxy[None, :, :]) ** 2).sum(axis=2)
    dist = np.sqrt(d2)
    # Exactly the Swift side's test (dx² + dy² ≤ r²), whatever sqrt rounds to at the boundary.
    cost = np.where(d2 <= r * r, np.minimum(dist, r), np.maximum(dist, np.nextafter(r, np.inf)))

    def cpu(who):
        u = resource.getrusage(who)
        return u.ru_utime + u.ru_stime

    c0 = cpu(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    model = MCLP.from_cost_matrix(cost, weights, service_radius=r, p_facilities=args.p)
    t1 = time.perf_counter()
    c1, k1 = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=args.time_limit)
    status_text = None
    try:
        model.solve(solver, results=False)
    except Exception as e:  # spopt raises when CBC stops without a proven optimum
        status_text = f"{type(e).__name__}: {e}"
    t2 = time.perf_counter()
    c2, k2 = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    problem = model.problem
    objective = pulp.value(problem.objective)
    chosen = []
    for j, var in enumerate(model.fac_vars):
        if var.value() is not None and var.value() > 0.5:
            chosen.append(cands[j][0])
    sol_status = {1: "optimal", 2: "feasible (time limit)", 0: "not solved", -1: "infeasible", -2: "unbounded"}
    out = {
        "benchmark": "mclp",
        "peer": "spopt+cbc",
        "instance": args.instance,
        "demand": len(demand),
        "candidates": len(cands),
        "p": args.p,
        "radius_m": r,
        "objective": objective,
        "status": pulp.LpStatus.get(problem.status, str(problem.status)),
        "solution": sol_status.get(problem.sol_status, str(problem.sol_status)),
        "optimal": problem.sol_status == 1,
        "build_s": round(t1 - t0, 3),
        "solve_s": round(t2 - t1, 3),
        # CPU time (user + sys): the build in this process, the solve in CBC (a child process)
        # plus PuLP's writing and reading around it here.
        "build_cpu_s": round(c1 - c0, 3),
        "solve_cpu_s": round((k2 - k1) + (c2 - c1), 3),
        "time_limit_s": args.time_limit,
        "spopt": importlib.import_module("spopt").__version__,
        "pulp": pulp.__version__,
        "sites": sorted(chosen),
    }
    if status_text:
        out["note"] = status_text
    print(json.dumps(out))


if __name__ == "__main__":
    main()

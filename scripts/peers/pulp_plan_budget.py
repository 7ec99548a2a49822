#!/usr/bin/env python3
"""Cross-check of budget plans: the plan problem that `PlannerBenchmarks --only A-plan,B-plan --out DIR`
writes to DIR/<instance>/plan.json, solved as a mixed-integer programme by CBC (through PuLP).

Served (capacitated): x[k,s] = 1 when site k takes size s (at most one), f[i,j] the riders of
demand node i at station j (existing or new), Σ_j f[i,j] ≤ w_i, Σ_i f[i,j] ≤ capacity_j,
f[i,k] ≤ w_i Σ_s x[k,s], Σ_i f[i,k] ≤ Σ_s cap_s x[k,s], Σ cost x ≤ budget, conflicting sites not
both. Prints the total served (existing stations included), the baseline (existing stations alone) and
the difference, the figure the Swift side reports as the objective. CBC stopped by the time limit
still reports its best plan: check "seconds" against the limit before calling it optimal.
Covered (uncapacitated): y_g ≤ Σ_{k covers g} x_k over demand not covered by existing stations,
each site at the size that holds what it could cover alone (as the Swift search prices it).

One JSON line: objective, CBC's best bound, status, seconds.
Usage: pulp_plan_budget.py DIR/A/plan.json --mode served|covered [--time-limit 600] [--budget B]
"""
import argparse
import json
import time

import pulp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan")
    ap.add_argument("--mode", choices=["served", "covered"], required=True)
    ap.add_argument("--time-limit", type=float, default=600)
    ap.add_argument("--budget", type=float)
    a = ap.parse_args()
    d = json.load(open(a.plan))
    budget = a.budget if a.budget is not None else d["budget"]
    w = d["weights"]
    n = len(w)
    cands = d["candidates"]
    K = len(cands)
    m = pulp.LpProblem("plan", pulp.LpMaximize)
    if a.mode == "served":
        x = {(k, s): pulp.LpVariable(f"x_{k}_{s}", cat="Binary") for k in range(K) for s in range(len(cands[k]["sizes"]))}
        open_k = {k: pulp.lpSum(x[k, s] for s in range(len(cands[k]["sizes"]))) for k in range(K)}
        by_row = [[] for _ in range(n)]
        flows = []
        for j, cap in enumerate(d["existing_capacities"]):
            col = []
            for i in range(n):
                if j in d["existing_rows"][i]:
                    v = pulp.LpVariable(f"e_{i}_{j}", lowBound=0, upBound=w[i])
                    col.append(v)
                    by_row[i].append(v)
                    flows.append(v)
            m += pulp.lpSum(col) <= cap
        for k, c in enumerate(cands):
            col = []
            for i in c["covers"]:
                v = pulp.LpVariable(f"f_{i}_{k}", lowBound=0, upBound=w[i])
                m += v <= w[i] * open_k[k]
                col.append(v)
                by_row[i].append(v)
                flows.append(v)
            m += pulp.lpSum(col) <= pulp.lpSum(size[1] * x[k, s] for s, size in enumerate(c["sizes"]))
            m += open_k[k] <= 1
        for i in range(n):
            if by_row[i]:
                m += pulp.lpSum(by_row[i]) <= w[i]
        m += pulp.lpSum(size[2] * x[k, s] for k, c in enumerate(cands) for s, size in enumerate(c["sizes"])) <= budget
        for p, q in d["conflicts"]:
            m += open_k[p] + open_k[q] <= 1
        m += pulp.lpSum(flows)
        # The existing stations alone (every x = 0): the baseline the Swift side subtracts.
        base = m.copy()
        for v in x.values():
            base += v == 0
        base.solve(pulp.PULP_CBC_CMD(msg=False))
        baseline = pulp.value(base.objective)
    else:
        baseline = 0
        r = [0 if d["existing_rows"][i] else w[i] for i in range(n)]
        x = {k: pulp.LpVariable(f"x_{k}", cat="Binary") for k in range(K)}
        cost = []
        cover = [[] for _ in range(n)]
        for k, c in enumerate(cands):
            alone = sum(r[i] for i in c["covers"])
            size = next((s for s in c["sizes"] if s[1] + 1e-9 * max(1, alone) >= alone), c["sizes"][-1])
            cost.append(size[2])
            for i in c["covers"]:
                cover[i].append(k)
        y = {}
        for i in range(n):
            if r[i] > 0 and cover[i]:
                y[i] = pulp.LpVariable(f"y_{i}", lowBound=0, upBound=1)
                m += y[i] <= pulp.lpSum(x[k] for k in cover[i])
        m += pulp.lpSum(cost[k] * x[k] for k in range(K)) <= budget
        for p, q in d["conflicts"]:
            m += x[p] + x[q] <= 1
        m += pulp.lpSum(r[i] * y[i] for i in y)
    t = time.monotonic()
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=a.time_limit)
    status = m.solve(solver)
    seconds = time.monotonic() - t
    objective = pulp.value(m.objective)
    print(json.dumps({"peer": "pulp_cbc", "instance": d["instance"], "mode": a.mode, "budget": budget,
                      "status": pulp.LpStatus[status], "objective": objective, "baseline": baseline,
                      "newly": None if objective is None else objective - baseline,
                      "seconds": round(seconds, 2), "time_limit": a.time_limit}))


if __name__ == "__main__":
    main()

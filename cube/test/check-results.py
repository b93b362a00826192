"""Checks the rows Trino returned for the Cube-generated SQL against the known dataset that
trino/acceptance.sh sends (environment 'cubetest'). Usage: check-results.py <name> <csv file>"""
import csv
import sys

EXPECTED = {
    # service, count, 5xx, 4xx, 5xx rate, 4xx rate, p50, p95, p99, request bytes, response bytes
    "request_facts_by_service": [["checkout", 5, 2, 1, 0.4, 0.2, 20, 40, 40, 500, 5000]],
    # deploy id, service, environment, kind, version, phase, minute, requests, 5xx, 5xx rate, p99
    "deploys_vs_errors": [
        ["cube-deploy", "checkout", "cubetest", "DEPLOY", "v2", "before", None, 2, 1, 0.5, 20],
        ["cube-deploy", "checkout", "cubetest", "DEPLOY", "v2", "after", None, 3, 1, 1 / 3, 40],
    ],
}
ROW_COUNTS = {"request_facts_dimensions": 5, "service_events_by_kind": 1}


def same(want, got):
    if want is None:
        return True
    if isinstance(want, (int, float)):
        return abs(float(got) - want) < 1e-9
    return want == got


name, path = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(path)))
if name in ROW_COUNTS:
    ok = len(rows) == ROW_COUNTS[name]
else:
    want = EXPECTED[name]
    ok = len(rows) == len(want) and all(len(w) == len(g) and all(same(a, b) for a, b in zip(w, g)) for w, g in zip(want, rows))
if not ok:
    sys.exit(f"FAIL: Cube query {name} returned {rows}")
print(f"cube {name}: OK ({len(rows)} rows)")

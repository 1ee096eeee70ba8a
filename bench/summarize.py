#!/usr/bin/env python3
"""Medians of bench/compare.sh results and the ratios of issue 7, as a Markdown table."""
import json
import statistics
import sys
from collections import defaultdict

# workload -> (label, unit, higher is better)
ROWS = [
    ("maxpps_160_one", "max relayed packets/s <1% loss, 160 B, one way", True),
    ("maxpps_160_both", "max relayed packets/s <1% loss, 160 B, both ways", True),
    ("maxpps_1200_one", "max relayed packets/s <1% loss, 1200 B, one way", True),
    ("maxpps_1200_both", "max relayed packets/s <1% loss, 1200 B, both ways", True),
    ("cpu_us_20000", "server CPU µs per packet at 20k/s", False),
    ("cpu_us_100000", "server CPU µs per packet at 100k/s", False),
    ("p50_us_20000", "latency p50 µs at 20k/s", False),
    ("p99_us_20000", "latency p99 µs at 20k/s", False),
    ("p999_us_20000", "latency p99.9 µs at 20k/s", False),
    ("p50_us_100000", "latency p50 µs at 100k/s", False),
    ("p99_us_100000", "latency p99 µs at 100k/s", False),
    ("gencpu_100000", "generator CPU (cores) at 100k/s", False),
    ("setup_rate", "allocations set up per second (2000)", True),
    ("rss_per_allocation", "server RSS bytes per held allocation", False),
]


def main(path):
    values = defaultdict(list)
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r["value"] is None:
                continue
            values[(r["workload"], r["server"])].append(float(r["value"]))
    med = {k: statistics.median(v) for k, v in values.items()}

    def cell(w, s):
        v = med.get((w, s))
        if v is None:
            return "–"
        return f"{v:,.0f}" if v >= 100 else f"{v:.2f}"

    def ratio(w, a, b):
        x, y = med.get((w, a)), med.get((w, b))
        if x is None or not y:
            return "–"
        return f"{x / y:.2f}×"

    print("| workload | avedge | coturn | bare forwarder | avedge : coturn | avedge : forwarder |")
    print("|---|---|---|---|---|---|")
    for w, label, _ in ROWS:
        if not any(k[0] == w for k in med):
            continue
        print(f"| {label} | {cell(w, 'avedge')} | {cell(w, 'coturn')} | {cell(w, 'forwarder')} "
              f"| {ratio(w, 'avedge', 'coturn')} | {ratio(w, 'avedge', 'forwarder')} |")


if __name__ == "__main__":
    main(sys.argv[1])

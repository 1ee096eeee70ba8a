#!/usr/bin/env python3
"""Medians of bench/compare.sh results, the ratios of issue 7 as a Markdown table, and every
target of issue 7 marked met or not met. The targets set against the bare forwarder are also
judged against the fanout forwarder (bench/fanout_forwarder.cpp: the same bare relay with one
socket per allocation, as TURN has), in a column of its own: the issue's verdict stays the one
against the bare forwarder."""
import json
import statistics
import sys
from collections import defaultdict

# (workload, label, the coturn/forwarder workload it is compared with)
ROWS = [
    ("maxpps_160_one", "max relayed packets/s <1% loss, 160 B, one way", None),
    ("maxpps_160_both", "max relayed packets/s <1% loss, 160 B, both ways", None),
    ("maxpps_1200_one", "max relayed packets/s <1% loss, 1200 B, one way", None),
    ("maxpps_1200_both", "max relayed packets/s <1% loss, 1200 B, both ways", None),
    ("maxpps_160_one_w2", "two workers: max relayed packets/s <1% loss, 160 B, one way",
     "maxpps_160_one"),
    ("cpu_us_20000", "server CPU µs per packet at 20k/s", None),
    ("cpu_us_100000", "server CPU µs per packet at 100k/s", None),
    ("p50_us_20000", "latency p50 µs at 20k/s", None),
    ("p99_us_20000", "latency p99 µs at 20k/s", None),
    ("p999_us_20000", "latency p99.9 µs at 20k/s", None),
    ("p50_us_100000", "latency p50 µs at 100k/s", None),
    ("p99_us_100000", "latency p99 µs at 100k/s", None),
    ("cpu_us_20000_b0", "budget 0: server CPU µs per packet at 20k/s", "cpu_us_20000"),
    ("p50_us_20000_b0", "budget 0: latency p50 µs at 20k/s", "p50_us_20000"),
    ("p99_us_20000_b0", "budget 0: latency p99 µs at 20k/s", "p99_us_20000"),
    ("cpu_us_100000_b0", "budget 0: server CPU µs per packet at 100k/s", "cpu_us_100000"),
    ("p50_us_100000_b0", "budget 0: latency p50 µs at 100k/s", "p50_us_100000"),
    ("p99_us_100000_b0", "budget 0: latency p99 µs at 100k/s", "p99_us_100000"),
    ("cpu_us_20000_b0bp", "budget 0, busy poll 200 µs: server CPU µs per packet at 20k/s",
     "cpu_us_20000"),
    ("p50_us_20000_b0bp", "budget 0, busy poll 200 µs: latency p50 µs at 20k/s", "p50_us_20000"),
    ("p99_us_20000_b0bp", "budget 0, busy poll 200 µs: latency p99 µs at 20k/s", "p99_us_20000"),
    ("cpu_us_100000_b0bp", "budget 0, busy poll 200 µs: server CPU µs per packet at 100k/s",
     "cpu_us_100000"),
    ("p50_us_100000_b0bp", "budget 0, busy poll 200 µs: latency p50 µs at 100k/s",
     "p50_us_100000"),
    ("p99_us_100000_b0bp", "budget 0, busy poll 200 µs: latency p99 µs at 100k/s",
     "p99_us_100000"),
    ("cpu_us_20000", "fanout forwarder waiting avedge's budget: server CPU µs per packet at 20k/s",
     "cpu_us_20000_bud"),
    ("p50_us_20000", "fanout forwarder waiting avedge's budget: latency p50 µs at 20k/s",
     "p50_us_20000_bud"),
    ("p99_us_20000", "fanout forwarder waiting avedge's budget: latency p99 µs at 20k/s",
     "p99_us_20000_bud"),
    ("cpu_us_100000", "fanout forwarder waiting avedge's budget: server CPU µs per packet at "
     "100k/s", "cpu_us_100000_bud"),
    ("cpu_us_100000_w2", "two workers: server CPU µs per packet at 100k/s", "cpu_us_100000"),
    ("gencpu_100000", "generator CPU (cores) at 100k/s", None),
    ("hostcpu_us_20000", "host CPU µs per packet at 20k/s (both cores)", None),
    ("hostcpu_us_100000", "host CPU µs per packet at 100k/s (both cores)", None),
    ("hostcpu_us_20000_ng", "generator without GSO: host CPU µs per packet at 20k/s", None),
    ("hostcpu_us_100000_ng", "generator without GSO: host CPU µs per packet at 100k/s", None),
    ("p50_us_20000_ng", "generator without GSO: latency p50 µs at 20k/s", None),
    ("hostcpu_us_20000_fp", "tc fast path: host CPU µs per packet at 20k/s",
     "hostcpu_us_20000_ng"),
    ("hostcpu_us_100000_fp", "tc fast path: host CPU µs per packet at 100k/s",
     "hostcpu_us_100000_ng"),
    ("cpu_us_20000_fp", "tc fast path: server process CPU µs per packet at 20k/s",
     "cpu_us_20000_ng"),
    ("cpu_us_100000_fp", "tc fast path: server process CPU µs per packet at 100k/s",
     "cpu_us_100000_ng"),
    ("p50_us_20000_fp", "tc fast path: latency p50 µs at 20k/s", "p50_us_20000_ng"),
    ("p99_us_20000_fp", "tc fast path: latency p99 µs at 20k/s", "p99_us_20000_ng"),
    ("p50_us_100000_fp", "tc fast path: latency p50 µs at 100k/s", "p50_us_100000_ng"),
    ("p99_us_100000_fp", "tc fast path: latency p99 µs at 100k/s", "p99_us_100000_ng"),
    ("cpu_us_20000_sp", "peer polling (--spin): server CPU µs per packet at 20k/s", None),
    ("cpu_us_100000_sp", "peer polling (--spin): server CPU µs per packet at 100k/s", None),
    ("p50_us_20000_sp", "peer polling (--spin): latency p50 µs at 20k/s", None),
    ("p50_us_100000_sp", "peer polling (--spin): latency p50 µs at 100k/s", None),
    ("cpu_us_20000_b0_sp", "peer polling (--spin), budget 0: server CPU µs per packet at 20k/s",
     "cpu_us_20000_sp"),
    ("p50_us_20000_b0_sp", "peer polling (--spin), budget 0: latency p50 µs at 20k/s",
     "p50_us_20000_sp"),
    ("p50_us_100000_b0_sp", "peer polling (--spin), budget 0: latency p50 µs at 100k/s",
     "p50_us_100000_sp"),
    ("setup_rate", "allocations set up per second (2000)", None),
    ("rss_per_allocation", "server RSS bytes per held allocation", None),
]


def load(path):
    """Medians per (workload, server), and the values by repetition."""
    values = defaultdict(list)
    by_rep = defaultdict(dict)
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r["value"] is None:
                continue
            values[(r["workload"], r["server"])].append(float(r["value"]))
            by_rep[(r["workload"], r["server"])][r.get("rep", 0)] = float(r["value"])
    return {k: statistics.median(v) for k, v in values.items()}, by_rep


def paired(by_rep, a, b, diff=False):
    """A target's measure repetition by repetition: a against b of the same repetition (the
    servers of one repetition run minutes apart, the repetitions further apart)."""
    ra, rb = by_rep.get(a, {}), by_rep.get(b, {})
    out = []
    for rep in sorted(set(ra) & set(rb)):
        x, y = ra[rep], rb[rep]
        if diff:
            out.append(f"{x - y:+.0f}")
        elif y:
            out.append(f"{x / y:.2f}")
    return ", ".join(out) if out else "–"


def fmt(v):
    if v is None:
        return "–"
    return f"{v:,.0f}" if v >= 100 else f"{v:.2f}"


def targets(med, by_rep=None):
    """(target, measured, met, against fanout, by repetition) for every target of issue 7 that
    the run measured."""
    by_rep = by_rep or {}

    def m(w, s="avedge"):
        return med.get((w, s))

    out = []

    def check(name, measured, ok, fanout=None, reps="–"):
        if measured is not None:
            out.append((name, measured, ok, fanout, reps))

    def against_fanout(a, w, bound):
        """The same target with the fanout forwarder's median of workload w as the reference."""
        f = m(w, "fanout")
        if a is None or not f:
            return None
        return f"{a / f:.2f}×", a <= bound * f

    for w in ("160_one", "160_both", "1200_one", "1200_both"):
        a, c, f = m(f"maxpps_{w}"), m(f"maxpps_{w}", "coturn"), m(f"maxpps_{w}", "forwarder")
        if a is not None and c is not None and f:
            # coturn 0: it lost over 1% even at the search's lowest rate (10k/s per direction)
            fan = m(f"maxpps_{w}", "fanout")
            vs_coturn = f"{a / c:.2f}× coturn" if c else "coturn below 10k/s"
            check(f"max packets/s {w.replace('_', ' B, ')}: ≥ 1.4× coturn and ≥ 0.9× forwarder",
                  f"{vs_coturn}, {a / f:.2f}× forwarder", a >= 1.4 * c and a >= 0.9 * f,
                  (f"{a / fan:.2f}×", a >= 1.4 * c and a >= 0.9 * fan) if fan else None,
                  "coturn " + paired(by_rep, (f"maxpps_{w}", "avedge"), (f"maxpps_{w}", "coturn"))
                  + "; forwarder "
                  + paired(by_rep, (f"maxpps_{w}", "avedge"), (f"maxpps_{w}", "forwarder")))
    a, f = m("cpu_us_100000"), m("cpu_us_100000", "forwarder")
    if a is not None and f:
        check("CPU per packet at 100k/s within 10% of the forwarder", f"{a / f:.2f}×", a <= 1.1 * f,
              against_fanout(a, "cpu_us_100000", 1.1),
              paired(by_rep, ("cpu_us_100000", "avedge"), ("cpu_us_100000", "forwarder")))
    a, c = m("cpu_us_20000"), m("cpu_us_20000", "coturn")
    if a is not None and c:
        check("CPU per packet at 20k/s ≤ ½ coturn", f"{a / c:.2f}×", a <= 0.5 * c,
              reps=paired(by_rep, ("cpu_us_20000", "avedge"), ("cpu_us_20000", "coturn")))
    # Where that target is not met: is the kernel the limit? The fanout forwarder waiting the
    # same budget (cpu_us_20000_bud) does nothing but the kernel's work of a TURN relay that takes
    # as many datagrams per wake-up; its CPU per packet is the floor of any such relay on this
    # host. Shown with its own ratio to coturn: a floor above ½ coturn means no relay with this
    # wait meets the target here.
    a, f, c = m("cpu_us_20000"), m("cpu_us_20000_bud", "fanout"), m("cpu_us_20000", "coturn")
    if a is not None and f:
        floor = f"; the floor is {f / c:.2f}× coturn" if c else ""
        check("(the kernel's limit) CPU per packet at 20k/s within 10% of the fanout forwarder "
              "waiting the same budget", f"{a / f:.2f}×{floor}", a <= 1.1 * f,
              reps=paired(by_rep, ("cpu_us_20000", "avedge"), ("cpu_us_20000_bud", "fanout")))
    a, f = m("p99_us_20000"), m("p99_us_20000", "forwarder")
    if a is not None and f is not None:
        fan = m("p99_us_20000", "fanout")
        check("p99 at 20k/s ≤ forwarder's + 250 µs", f"{a - f:+.0f} µs", a <= f + 250,
              (f"{a - fan:+.0f} µs", a <= fan + 250) if fan is not None else None,
              paired(by_rep, ("p99_us_20000", "avedge"), ("p99_us_20000", "forwarder"), diff=True))
    for rate in ("20000", "100000"):
        for q in ("p50", "p99"):
            a, f = m(f"{q}_us_{rate}_b0"), m(f"{q}_us_{rate}", "forwarder")
            if a is not None and f:
                check(f"budget 0: {q} at {int(rate) // 1000}k/s within 10% of the forwarder",
                      f"{a / f:.2f}×", a <= 1.1 * f, against_fanout(a, f"{q}_us_{rate}", 1.1),
                      paired(by_rep, (f"{q}_us_{rate}_b0", "avedge"),
                             (f"{q}_us_{rate}", "forwarder")))
    a, c = m("setup_rate"), m("setup_rate", "coturn")
    if a is not None and c:
        check("allocation setup rate ≥ 3× coturn", f"{a / c:.2f}×", a >= 3 * c,
              reps=paired(by_rep, ("setup_rate", "avedge"), ("setup_rate", "coturn")))
    a = m("rss_per_allocation")
    if a is not None:
        check("RSS per held allocation ≤ 4 KB", f"{fmt(a)} B", a <= 4096)
    # Two workers share CPU 0 here (CPU 1 is the generator's). At saturation that core is busy
    # all the time, so CPU per packet is 1 / max packets/s: two workers costing more per packet
    # than one (contention, a worse batch) would show as a lower maximum. At a fixed 100k/s the
    # ratio also counts that each worker gets half the packets per wake-up, which would be the
    # same on two cores; it is shown, not judged.
    one, two = m("maxpps_160_one"), m("maxpps_160_one_w2")
    fixed_one, fixed_two = m("cpu_us_100000"), m("cpu_us_100000_w2")
    if one and two:
        at_fixed = f"; {fixed_two / fixed_one:.2f}× at 100k/s" if fixed_one and fixed_two else ""
        check("two workers: CPU per packet does not grow (≤ 1.1× one worker, at saturation)",
              f"{one / two:.2f}×{at_fixed}", one <= 1.1 * two)
    elif fixed_one and fixed_two:
        check("two workers: CPU per packet does not grow (≤ 1.1× one worker, at 100k/s)",
              f"{fixed_two / fixed_one:.2f}×", fixed_two <= 1.1 * fixed_one)
    # Item 4 (past the userspace ceiling): the kernel path must cost the host less per packet
    # than the bare userspace forwarder, measured with the same generator (without GSO).
    for rate in ("20000", "100000"):
        a, f = m(f"hostcpu_us_{rate}_fp"), m(f"hostcpu_us_{rate}_ng", "forwarder")
        if a is not None and f:
            check(f"(item 4) tc fast path: host CPU per packet at {int(rate) // 1000}k/s below "
                  "the bare forwarder's", f"{a / f:.2f}×", a < f)
    return out


def budget_sweep(by_rep):
    """The `floor` workload of compare.sh: at 20k/s, coturn and the bare forwarder once a round,
    and avedge and the fanout forwarder (the floor: nothing but the kernel's work of a TURN
    relay) each waiting several budgets in the same round. Round by round, at each wait: CPU per
    packet against coturn's (target ≤ ½) and p99 against the bare forwarder's (allowance
    + 250 µs), and in how many rounds both hold. Where even the floor meets both only in some
    rounds at every wait, the pair of targets is at the kernel's limit on this host."""
    coturn_cpu = by_rep.get(("cpu_us_20000_fl", "coturn"), {})
    fwd_p99 = by_rep.get(("p99_us_20000_fl", "forwarder"), {})
    waits = sorted({int(w[len("cpu_us_20000_fl"):]) for w, _ in by_rep
                    if w.startswith("cpu_us_20000_fl") and w != "cpu_us_20000_fl"})
    if not waits or not coturn_cpu or not fwd_p99:
        return []
    out = ["| at 20k/s, waiting | CPU µs per packet | : coturn, by round | p99 µs "
           "| p99 − forwarder's, by round | rounds meeting both |",
           "|---|---|---|---|---|---|"]
    for w in waits:
        for server, label in (("avedge", "avedge"), ("fanout", "fanout forwarder (the floor)")):
            cpu = by_rep.get((f"cpu_us_20000_fl{w}", server), {})
            p99 = by_rep.get((f"p99_us_20000_fl{w}", server), {})
            rounds = sorted(set(cpu) & set(p99) & set(coturn_cpu) & set(fwd_p99))
            rounds = [r for r in rounds if coturn_cpu[r]]
            if not rounds:
                continue
            both = sum(1 for r in rounds
                       if cpu[r] <= 0.5 * coturn_cpu[r] and p99[r] <= fwd_p99[r] + 250)
            out.append(
                f"| {w} µs: {label} | {fmt(statistics.median(cpu[r] for r in rounds))} "
                f"| {', '.join(f'{cpu[r] / coturn_cpu[r]:.2f}' for r in rounds)} "
                f"| {fmt(statistics.median(p99[r] for r in rounds))} "
                f"| {', '.join(f'{p99[r] - fwd_p99[r]:+.0f}' for r in rounds)} "
                f"| {both} of {len(rounds)} |")
    return out


def main(path):
    med, by_rep = load(path)

    def ratio(w, a, b, bw):
        x, y = med.get((w, a)), med.get((bw, b))
        if x is None or not y:
            return "–"
        return f"{x / y:.2f}×"

    shown = [(w, label, base) for w, label, base in ROWS if any(k[0] == w for k in med)]
    if shown:  # none when only the `floor` workload ran
        print("| workload | avedge | coturn | bare forwarder | fanout forwarder | avedge : coturn "
              "| avedge : forwarder | avedge : fanout |")
        print("|---|---|---|---|---|---|---|---|")
    for w, label, base in shown:
        bw = base or w
        print(f"| {label} | {fmt(med.get((w, 'avedge')))} | {fmt(med.get((bw, 'coturn')))} "
              f"| {fmt(med.get((bw, 'forwarder')))} | {fmt(med.get((bw, 'fanout')))} "
              f"| {ratio(w, 'avedge', 'coturn', bw)} | {ratio(w, 'avedge', 'forwarder', bw)} "
              f"| {ratio(w, 'avedge', 'fanout', bw)} |")
    rows = targets(med, by_rep)
    if rows:
        print()
        print("| target (issue 7) | measured | | the same against the fanout forwarder | "
              "| by repetition (each against its own repetition's reference) |")
        print("|---|---|---|---|---|---|")
        for name, measured, ok, fanout, reps in rows:
            verdict = "met" if ok else "**not met**"
            fan = f"{fanout[0]} | {'met' if fanout[1] else 'not met'}" if fanout else "– | –"
            print(f"| {name} | {measured} | {verdict} | {fan} | {reps} |")
    sweep = budget_sweep(by_rep)
    if sweep:
        print()
        print("Budgets against the 20k/s pair (CPU ≤ ½ coturn and p99 ≤ the forwarder's + 250 µs,"
              " each round against its own coturn and forwarder):")
        print()
        print("\n".join(sweep))


if __name__ == "__main__":
    main(sys.argv[1])

# Sourced by the bench scripts: CPU time, exact.
#
# The sum of the first field of each line, as an integer. %.0f, not %d: mawk (Debian's awk)
# prints %d no higher than 2^31 - 1, and 2^31 ns is 2.1 s, less than a busy-polling server
# spends in a 3 s run.
sum_first_fields() { awk '{s += $1} END {printf "%.0f", s}'; }

# cpu_ns PID: the process's time on CPU in ns, summed over its threads
# (/proc/PID/task/*/schedstat; the servers keep their threads for a whole run). /proc/PID/stat
# counts in ticks of 10 ms, 1.7% of what a server spends at 20k packets/s in a 3 s run: too
# coarse for targets decided within a few %. Kernels without schedstat: the ticks.
cpu_ns() {
  if [ -r "/proc/$1/schedstat" ]; then
    cat /proc/"$1"/task/*/schedstat 2>/dev/null | sum_first_fields
  else
    awk -v tck="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) * 1e9 / tck}' "/proc/$1/stat"
  fi
}

# host_busy_ns: the whole host's busy time in ns (every core: servers, generator, and the
# kernel's softirq work, which loopback charges to the sender): the cores' wall time less their
# idle and iowait of /proc/stat, which a tickless kernel measures at idle entry and exit. Not
# the busy columns (user, system, softirq...): those are counted at ticks, and a core that runs
# for 30 µs after each wake-up and idles between them seldom meets a tick: at 20k/s they gave
# 9-12 µs per packet where the server alone spent 10 and the generator 14
# (docs/PERFORMANCE.md, "Past the userspace ceiling"). Subtract two readings in awk, not in
# the shell: cores times epoch nanoseconds passes 2^63 from six cores on.
host_busy_ns() {
  local now
  now=$(date +%s%N)
  awk -v now="$now" -v cores="$(grep -c '^cpu[0-9]' /proc/stat)" -v tck="$(getconf CLK_TCK)" \
    '/^cpu / {printf "%.0f", cores * now - ($5 + $6) * 1e9 / tck}' /proc/stat
}

# us_per_packet FROM_NS TO_NS PACKETS [DECIMALS]: the µs spent per packet between two readings
# of cpu_ns or host_busy_ns (subtracted in awk: see above), 0 when no packet arrived.
us_per_packet() {
  awk -v a="$1" -v b="$2" -v n="${3:-0}" -v d="${4:-3}" \
    'BEGIN {printf "%.*f", d, (n > 0 ? (b - a) / 1e3 / n : 0)}'
}

#!/usr/bin/env bash
# scripts/test.sh [STAGE...]   -- what `make test` runs (after install-deps --test)
# Stages, in this order by default:
#   unit     Release build in build/, ctest (GoogleTest unit tests)
#   asan     ASan+UBSan build in build-asan/, the same unit tests again
#   fuzz     clang/libFuzzer build in build-fuzz/, every tests/fuzz/fuzz_*.cpp
#            for FUZZ_SECONDS (default 25) on a temp copy of its seed corpus
#   interop  tests/interop/run.sh: real clients against build/avedge
#   interop_asan  the same against build-asan/avedge (ASan+UBSan), without the
#            recipes that measure rates or time (INTEROP_ASAN_RECIPES overrides)
# Every stage keeps going after a failure; the last line is
# "N passed, M failed" over all of them (ctest test counts, one per fuzz
# target, interop checks, plus one failure per build that broke), and the
# exit code is non-zero if anything failed.
# Knobs: JOBS (2), FUZZ_SECONDS (25), FUZZ_MERGE=1 (merge new inputs back into
# tests/fuzz/corpus/), AVEDGE_BIN / INTEROP_SERVER (see tests/interop/lib.sh).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

JOBS=${JOBS:-2}
FUZZ_SECONDS=${FUZZ_SECONDS:-25}
export JOBS

STAGES=("$@")
[ ${#STAGES[@]} -eq 0 ] && STAGES=(unit asan fuzz interop interop_asan)

PASS=0
FAIL=0
SUMMARY=()
T0=$SECONDS

# tally LABEL PASSED FAILED [NOTE]
tally() {
  PASS=$((PASS + $2)); FAIL=$((FAIL + $3))
  SUMMARY+=("$(printf '%-28s %4d passed, %d failed%s' "$1" "$2" "$3" "${4:+  ($4)}")")
}

banner() { printf '\n==== %s\n' "$*"; }

# run_ctest DIR LABEL: runs ctest in DIR, tallies the test counts
run_ctest() {
  local dir=$1 label=$2 log=$1/ctest.log rc line p f t
  timeout 1800 ctest --test-dir "$dir" --output-on-failure -j "$JOBS" --timeout 120 >"$log" 2>&1
  rc=$?
  # the whole log minus the passing tests when something failed, else the summary
  if [ "$rc" != 0 ]; then
    grep -vE '^ *Start +[0-9]+:|Test +#[0-9]+: .* Passed' "$log" | head -300
  else
    sed -n '/tests passed/,$p' "$log"
  fi
  line=$(grep -oE '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)
  if [ -n "$line" ]; then
    t=${line##* out of }
    f=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
    p=$((t - f))
  elif grep -q 'No tests were found' "$log"; then
    p=0; f=0
    tally "$label" 0 0 "no tests found"
    return
  else
    p=0; f=1
  fi
  [ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
  tally "$label" "$p" "$f"
}

stage_unit() {
  banner "unit tests (Release, build/)"
  if ! scripts/build.sh release; then
    tally "unit (Release)" 0 1 "build failed"
    return
  fi
  run_ctest build "unit (Release)"
}

stage_asan() {
  banner "unit tests under ASan+UBSan (Debug, build-asan/)"
  if ! scripts/build.sh asan; then
    tally "unit (ASan+UBSan)" 0 1 "build failed"
    return
  fi
  ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest build-asan "unit (ASan+UBSan)"
}

stage_fuzz() {
  banner "fuzz: every tests/fuzz/fuzz_*.cpp for ${FUZZ_SECONDS} s (clang, build-fuzz/)"
  local srcs=() names=() s n short corpus art log rc p=0 f=0 dict
  shopt -s nullglob
  srcs=(tests/fuzz/fuzz_*.cpp)
  shopt -u nullglob
  if [ ${#srcs[@]} -eq 0 ]; then
    echo "no fuzz targets yet"
    tally "fuzz" 0 0 "no targets"
    return
  fi
  for s in "${srcs[@]}"; do n=${s##*/}; names+=("${n%.cpp}"); done
  if ! scripts/build.sh fuzz "${names[@]}"; then
    tally "fuzz (${FUZZ_SECONDS} s each)" 0 1 "build failed"
    return
  fi
  mkdir -p build-fuzz/artifacts
  for n in "${names[@]}"; do
    short=${n#fuzz_}
    corpus=$(mktemp -d "${TMPDIR:-/tmp}/avedge-fuzz-$short.XXXXXX")
    art=build-fuzz/artifacts/$short
    mkdir -p "$art"
    [ -d "tests/fuzz/corpus/$short" ] && cp -r "tests/fuzz/corpus/$short/." "$corpus/"
    dict=()
    [ -f "tests/fuzz/$short.dict" ] && dict=(-dict="tests/fuzz/$short.dict")
    log=build-fuzz/$n.log
    echo "-- $n: $(find "$corpus" -type f | wc -l) seed inputs, ${FUZZ_SECONDS} s"
    timeout $((FUZZ_SECONDS + 120)) "build-fuzz/$n" "${dict[@]}" -max_total_time="$FUZZ_SECONDS" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" "$corpus" >"$log" 2>&1
    rc=$?
    if [ "$rc" = 0 ]; then
      grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$log" | tail -2 | sed 's/^/   /'
      echo "PASS fuzz $n"; p=$((p + 1))
    else
      grep -E 'ERROR: |SUMMARY: |runtime error:|Test unit written to|deadly signal' "$log" | head -10
      echo "   full log: $log; reproduce: build-fuzz/$n $art/<crash file>"
      echo "FAIL fuzz $n (rc=$rc)"; f=$((f + 1))
    fi
    if [ "${FUZZ_MERGE:-0}" = 1 ]; then
      mkdir -p "tests/fuzz/corpus/$short"
      "build-fuzz/$n" -merge=1 "tests/fuzz/corpus/$short" "$corpus" >>"$log" 2>&1 &&
        echo "   merged new inputs into tests/fuzz/corpus/$short"
    fi
    rm -rf "$corpus"
  done
  tally "fuzz (${FUZZ_SECONDS} s each)" "$p" "$f"
}

# run_interop LABEL: tests/interop/run.sh (with the caller's environment), tallied as LABEL
run_interop() {
  local label=$1 out line p f rc
  out=$(mktemp "${TMPDIR:-/tmp}/avedge-interop-out.XXXXXX")
  timeout 1800 bash tests/interop/run.sh 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1)
  rm -f "$out"
  if [ -z "$line" ]; then
    tally "$label" 0 1 "runner ended without a summary, rc=$rc"
    return
  fi
  p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
  [ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
  tally "$label" "$p" "$f"
}

stage_interop() {
  banner "interop: real clients against ${INTEROP_SERVER:-avedge}"
  if [ "${INTEROP_SERVER:-avedge}" = avedge ] && [ -z "${AVEDGE_BIN:-}" ]; then
    # make sure build/avedge is current (the unit stage built it already,
    # unless it was skipped or its build broke on another target)
    if ! scripts/build.sh release avedge udp_forwarder fanout_forwarder wake_cost; then
      tally "interop" 0 1 "build/avedge does not build"
      return
    fi
  fi
  run_interop "interop"
}

# The interop suite again against the ASan+UBSan build of avedge (issue 6 item 2): real clients,
# malformed input and the abuse recipes under the sanitizers (any report aborts the server, and
# the run checks its log). The recipes that measure rates or time (soak, bench smoke,
# amplification, perf thresholds, metrics while traffic is live) and the one that needs the
# default ports stay with Release.
stage_interop_asan() {
  banner "interop under ASan+UBSan: real clients against build-asan/avedge"
  if ! scripts/build.sh asan avedge udp_forwarder; then
    tally "interop (ASan+UBSan)" 0 1 "build-asan/avedge does not build"
    return
  fi
  AVEDGE_BIN=$PWD/build-asan/avedge \
    INTEROP_OWN_SERVER_RECIPES=${INTEROP_ASAN_RECIPES:-"t_peer_policy t_malformed t_pools t_mras t_probe t_limits t_drain t_reload t_restart t_fast_path"} \
    run_interop "interop (ASan+UBSan)"
}

for s in "${STAGES[@]}"; do
  case "$s" in
    unit|asan|fuzz|interop|interop_asan) "stage_$s" ;;
    *) echo "unknown stage '$s' (unit asan fuzz interop interop_asan)" >&2; exit 2 ;;
  esac
done

banner "summary ($((SECONDS - T0)) s)"
for l in "${SUMMARY[@]}"; do echo "$l"; done
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]

#!/usr/bin/env bash
# Fuzzes roofline's readers, and what the CLI does with what they accept,
# with libFuzzer (Swift's -sanitize=fuzzer,address).
#
#   tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Targets (Sources/roofline-fuzz): model (workload YAML, config.json),
# device, scenario, measured (kernel CSV), end-to-end, collective,
# host-issue, trace (a simulate trace, then simulated). Each starts from a seed corpus copied from the catalogue and
# the reports (in .build-fuzz/corpus/TARGET, kept between runs) with a
# dictionary of field names (tools/fuzz/*.dict), and runs for SECONDS (60
# by default). A crash is kept in fuzz-crashes/TARGET/ and fails the
# script; replay it with a plain build:
#   ROOFLINE_FUZZ_TARGET=TARGET swift run roofline-fuzz fuzz-crashes/TARGET/crash-…
# Prints, per target, the executions run and the crashes found.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] ||
  targets=(model device scenario measured end-to-end collective host-issue
    trace)
swift build --build-path .build-fuzz -c release \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
  --product roofline-fuzz >/dev/null
bin=.build-fuzz/release/roofline-fuzz

seeds() {
  case "$1" in
    model) ls workloads/*.yaml reports/e2e/configs/*.json ;;
    device) ls hardware/*.yaml ;;
    scenario) ls workloads/scenarios/*.yaml ;;
    measured) ls reports/gpu/*measured*.csv reports/h100-validation.csv ;;
    end-to-end) ls reports/e2e/h200-e2e.csv reports/e2e/h200-e2e-ssm.csv ;;
    collective) ls reports/collectives/*.csv ;;
    host-issue) ls reports/gpu/h200-host-issue*.csv ;;
    trace) ls reports/serving/trace-chat-*.csv ;;
  esac
}
dictionary() {
  case "$1" in
    model | device | scenario) echo "tools/fuzz/$1.dict" ;;
    *) echo tools/fuzz/csv.dict ;;
  esac
}

failed=0
for target in "${targets[@]}"; do
  corpus=.build-fuzz/corpus/$target
  crashes=fuzz-crashes/$target
  mkdir -p "$corpus" "$crashes"
  for seed in $(seeds "$target"); do
    # Large CSVs cut to their first rows: the fuzzer mutates small inputs.
    head -c 8192 "$seed" >"$corpus/seed-$(basename "$seed")"
  done
  log=$(mktemp)
  if ROOFLINE_FUZZ_TARGET=$target "$bin" -max_total_time="$seconds" \
    -max_len=16384 -dict="$(dictionary "$target")" -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1; then
    status=ok
  else
    status=CRASH
    failed=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "$target: $runs executions in ${seconds} s, $status"
  if [ "$status" != ok ]; then grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5; fi
  rm -f "$log"
  rmdir "$crashes" 2>/dev/null || true
done
exit $failed

#!/usr/bin/env bash
# Simulated passes per second of `roofline simulate` on one core (release
# build, taskset -c 0), Llama-3-8B on the calibrated H200 with the
# reference engine's kernels: (1) steady decode, 8 requests of 100K output
# tokens (every pass a decode step; the decode price interpolated between
# cached knots); (2) 20,000 chat requests at 20 req/s on one replica of up
# to 256 sequences (most passes decode, one in six prefills a prompt and
# is priced as a whole graph); (3) the same requests all at once.
# Three runs each. Writes reports/serving-speed.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product roofline >/dev/null
bin=.build/release/roofline
out=reports/serving-speed.md
common=(simulate --model llama-3-8b --hardware h200-calibrated --engine torch
  --max-seqs 256 --timing --format csv)
runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
run() {
  local label=$1
  shift
  for _ in 1 2 3; do
    printf '%s\t' "$label" >>"$runs"
    taskset -c 0 "$bin" "${common[@]}" "$@" 2>>"$runs" >/dev/null
  done
}
run "steady decode" --rate 100000 --requests 8 --lengths fixed \
  --prompt-tokens 100 --output-tokens 100000 --force
run "chat, 20 req/s" --rate 20 --requests 20000
run "chat, all at once" --rate 1000000 --requests 20000
{
  echo "# roofline simulate: simulated passes per second, one core"
  echo
  echo "Made by \`reports/scripts/serving-speed.sh\` on $(date -u +%Y-%m-%d):"
  echo "$(lscpu | sed -n 's/^Model name: *//p'), pinned to one CPU (taskset -c 0); $(swift --version 2>&1 | head -1); release build."
  echo "Llama-3-8B on \`h200-calibrated\`, \`--engine torch\`, one replica of up to 256 sequences."
  echo "Time is \`ServingSimulator.run\` alone (reading the catalogue excluded)."
  echo
  echo "| workload | passes | decode-only | seconds | passes/s |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  sed -E 's/^([^\t]*)\tsimulated ([0-9]+) passes \(([0-9]+) decode-only\) of [0-9]+ requests in ([0-9.]+) s: ([0-9]+) passes\/s$/| \1 | \2 | \3 | \4 | \5 |/' "$runs"
  echo
  echo "A decode-only pass costs two cached lookups and an interpolation; the"
  echo "first pass at a new (sequences, context) knot and every pass that"
  echo "prefills build and price a graph (tens of microseconds each), which"
  echo "bounds the mixed workloads."
} >"$out.partial"
mv "$out.partial" "$out"
cat "$out"

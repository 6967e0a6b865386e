#!/usr/bin/env bash
# Scenarios per second of `roofline sweep` on one core (release build):
# Llama-3-8B, Mamba-2.8B and Jamba-v0.1 on an H200 over 11 contexts (1K–1M),
# 256 batches (1–256) and 4 tensor-parallel degrees (1, 2, 4, 8): 33,792
# scenarios, each a TTFT, a TPOT, max concurrency and a memory fit.
# Five runs, pinned to one CPU. Writes reports/sweep-speed.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product roofline >/dev/null
bin=.build/release/roofline
out=reports/sweep-speed.md
contexts=1024,2048,4096,8192,16384,32768,65536,131072,262144,524288,1048576
batches=$(seq -s, 1 256)
args=(sweep --models llama-3-8b,mamba-2.8b,jamba-v0.1 --hardware h200
  --contexts "$contexts" --batches "$batches" --device-counts 1,2,4,8
  --timing --quiet --format csv)
runs=$(mktemp)
for _ in 1 2 3 4 5; do
  taskset -c 0 "$bin" "${args[@]}" 2>>"$runs" >/dev/null
done
{
  echo "# roofline sweep: scenarios per second, one core"
  echo
  echo "Made by \`reports/scripts/sweep-speed.sh\` on $(date -u +%Y-%m-%d):"
  echo "$(lscpu | sed -n 's/^Model name: *//p'), pinned to one CPU (taskset -c 0); $(swift --version 2>&1 | head -1); release build."
  echo
  echo "Grid: Llama-3-8B, Mamba-2.8B and Jamba-v0.1 on one H200 descriptor; contexts"
  echo "1K–1M (11), batches 1–256 (256), tensor-parallel degrees 1, 2, 4, 8. Each scenario"
  echo "is a TTFT (prefill graph), a TPOT (decode graph), max concurrency and a memory fit."
  echo "\"Evaluated\" times \`ScenarioSweep.run\` alone (graph building, lowering to"
  echo "\`CompiledPhase\`, every batch); \"with the table\" adds formatting the CSV rows."
  echo
  echo '```'
  cat "$runs"
  echo '```'
  echo
  median=$(sed -E 's/.*\(([0-9]+) per second\), with.*/\1/' "$runs" | sort -n | sed -n 3p)
  echo "Median of five: **$median scenarios per second** evaluated (target ≥ 1,000,000)."
} >"$out"
rm -f "$runs"
echo "wrote $out"

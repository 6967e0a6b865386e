#!/usr/bin/env bash
# Wall time of `roofline memory` (release build, whole process) with
# hyperfine: 5 warm-ups, 50 runs each. Writes reports/memory-latency.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
swift build -c release --product roofline >/dev/null
bin=.build/release/roofline
out=reports/memory-latency.md
tmp=$(mktemp)
hyperfine -N --warmup 5 --runs 50 --export-markdown "$tmp" \
  "$bin memory" \
  "$bin memory --model deepseek-v3 --hardware hgx-h200 --context 100000" \
  "$bin memory --model jamba-v0.1 --hardware dgx-h100 --context 262144 --batch 8 --format csv" \
  "$bin memory --model llama-3.1-405b --hardware dgx-h100-superpod-32 --tp 8 --pp 4 --context 131072" \
  >/dev/null
{
  echo "# roofline memory: wall time per call"
  echo
  echo "Made by \`reports/scripts/memory-latency.sh\` on $(date -u +%Y-%m-%d):"
  echo "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(swift --version 2>&1 | head -1)."
  echo "Whole process (start-up, catalogue YAML parse, model, output), release build."
  echo
  cat "$tmp"
} >"$out"
rm -f "$tmp"
echo "wrote $out"

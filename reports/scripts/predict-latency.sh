#!/usr/bin/env bash
# Wall time of `roofline predict` (release build, whole process) with
# hyperfine: 5 warm-ups, 50 runs each. Writes reports/predict-latency.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
swift build -c release --product roofline >/dev/null
bin=.build/release/roofline
out=reports/predict-latency.md
tmp=$(mktemp)
hyperfine -N --warmup 5 --runs 50 --export-markdown "$tmp" \
  "$bin predict" \
  "$bin predict --model llama-3-70b --hardware dgx-h100 --scenario chat" \
  "$bin predict --model llama-3.1-405b --hardware dgx-h100 --prompt-tokens 32768 --output-tokens 1024 --batch 16" \
  "$bin predict --model deepseek-v3 --hardware hgx-h200 --prompt-tokens 131072 --output-tokens 1024" \
  >/dev/null
{
  echo "# roofline predict: wall time per call"
  echo
  echo "Made by \`reports/scripts/predict-latency.sh\` on $(date -u +%Y-%m-%d):"
  echo "$(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(swift --version 2>&1 | head -1)."
  echo "Whole process (start-up, catalogue YAML parse, both phase graphs, roofline, memory check, output), release build."
  echo
  cat "$tmp"
} >"$out"
rm -f "$tmp"
echo "wrote $out"

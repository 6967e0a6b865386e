#!/usr/bin/env bash
# Max concurrency and memory left against context length, for a transformer
# (Llama-3-8B), an SSM (Mamba-2.8B) and a hybrid (Jamba-v0.1) on one H200,
# bf16 weights and cache. Writes reports/memory-by-context.csv.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product roofline >/dev/null
bin=.build/release/roofline
out=reports/memory-by-context.csv
tmp=$(mktemp)
first=1
for model in llama-3-8b mamba-2.8b jamba-v0.1; do
  for context in 1024 2048 4096 8192 16384 32768 65536 131072 262144 524288 1048576; do
    rows=$($bin memory --model "$model" --hardware h200 --context "$context" \
      --kv-dtype bf16 --weight-dtype bf16 --force --format csv)
    if [ $first -eq 1 ]; then echo "$rows" | head -1 >"$tmp"; first=0; fi
    echo "$rows" | tail -n +2 >>"$tmp"
  done
done
mv "$tmp" "$out"
echo "wrote $out"

#!/usr/bin/env bash
# TTFT, TPOT and max concurrency against context for a transformer
# (Llama-3-8B), an SSM (Mamba-2.8B) and a hybrid (Jamba-v0.1) on one H200,
# bf16, batch 1 and 16, default efficiency factors.
# Writes reports/context-sweep.csv (chart-ready, one row per point).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product roofline >/dev/null
.build/release/roofline sweep --models llama-3-8b,mamba-2.8b,jamba-v0.1 --hardware h200 \
  --contexts 1024,2048,4096,8192,16384,32768,65536,131072,262144,524288,1048576 \
  --batches 1,16 --format csv --output reports/context-sweep.csv
echo "wrote reports/context-sweep.csv"

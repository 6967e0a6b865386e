#!/usr/bin/env bash
# Example report folders of issue 6 (`roofline report`), under
# reports/examples/. Each folder holds report.md, a self-contained
# report.html, charts/*.svg and data/*.csv.
#
#   reports/scripts/example-reports.sh
#
# The H100 validation example stores reports/gpu/h100-measured.csv in a
# scratch run store first (always at the same path, so the command in its
# report.md reads the same on every run).
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release >/dev/null
bin=.build/release/roofline
out=reports/examples
mkdir -p "$out"

# Llama-3-70B on a DGX H100 (8 × H100, TP 8), chat-sized requests, batch 32.
$bin report --quiet --model llama-3-70b --hardware dgx-h100 \
  --prompt-tokens 2048 --output-tokens 512 --batch 32 \
  --out "$out/llama-3-70b-dgx-h100"

# Yi-34B on one A100 80GB at a 50K context (beyond its 4K position limit,
# as served with RoPE scaling: --force; 4.8 GiB short of memory at that
# context, so --allow-overflow).
$bin report --quiet --model yi-34b --hardware a100-sxm-80gb \
  --prompt-tokens 49152 --output-tokens 1024 --force --allow-overflow \
  --ttft-ms 30000 \
  --contexts 4096,16384,32768,51200,65536 \
  --out "$out/yi-34b-a100-50k"

# Mamba-2.8B against a transformer (Mistral-7B) and linear attention
# (GLA-1.3B) on an RTX 4090.
$bin report --quiet --model mamba-2.8b --hardware rtx-4090 \
  --compare mistral-7b-v0.1,gla-1.3b --batch 8 \
  --out "$out/mamba-vs-transformer-rtx-4090"

# A transformer, an SSM and a hybrid on one H200: concurrency crosses over.
$bin report --quiet --model jamba-v0.1 --hardware h200 \
  --compare llama-3-8b,mamba-2.8b \
  --contexts 1024,4096,16384,65536,262144,1048576 \
  --out "$out/jamba-llama-mamba-h200"

# Measured H100 kernels beside their predictions (the validation run of
# reports/scripts/validation.sh), with Llama-3-8B's operators.
store=/tmp/roofline-example-h100.sqlite
rm -f "$store" "$store-wal" "$store-shm"
$bin validate --quiet --measured reports/gpu/h100-measured.csv \
  --hardware h100-sxm --db "$store" >/dev/null
$bin report --quiet --model llama-3-8b --hardware h100-sxm \
  --prompt-tokens 4096 --output-tokens 256 --db "$store" \
  --out "$out/h100-validation"
rm -f "$store" "$store-wal" "$store-shm"

# This host's kernels (roofline validate's full grid, timed now) beside
# their predictions on the probed descriptor, with Mamba-2.8B in fp32.
store=/tmp/roofline-example-host.sqlite
rm -f "$store" "$store-wal" "$store-shm"
$bin validate --quiet --rounds 2 --db "$store" >/dev/null
$bin report --quiet --model mamba-2.8b --hardware reports/host-probed.yaml \
  --activation-dtype fp32 --weight-dtype fp32 --kv-dtype fp32 \
  --prompt-tokens 1024 --output-tokens 128 --contexts 1024,4096,16384,65536 \
  --db "$store" --out "$out/host-validation"
rm -f "$store" "$store-wal" "$store-shm"

#!/usr/bin/env bash
# Issue 15's proof: whole-model prefill (TTFT) and decode steps (TPOT)
# measured on a lent H200 (reports/e2e/h200-e2e.csv, by
# tools/measure_e2e.py) predicted with the H200 descriptor calibrated from
# kernel timings only (reports/gpu/h200-measured.csv, by
# tools/measure_gpu.py), and with the uncalibrated descriptor beside it.
#
#   reports/scripts/e2e-validation.sh
#
# The GPU runs that made the two CSVs (on the device machine):
#   python3 tools/measure_gpu.py --output h200-measured.csv --repetitions 9
#   python3 tools/measure_e2e.py --config workloads/llama-3-8b.yaml \
#     --config reports/e2e/configs/llama-3.2-3b.json \
#     --config reports/e2e/configs/mixtral-8x7b-8-layers.json \
#     --config reports/e2e/configs/qwen2-7b.json \
#     --config reports/e2e/configs/llama-3-70b-20-layers.json \
#     --config workloads/yi-34b.yaml --budget 0.5 --most 10 \
#     --output h200-e2e.csv
#
# Writes hardware/h200-calibrated.yaml, reports/h200-validation.txt and
# reports/e2e/h200-e2e-{calibrated,uncalibrated}.txt and
# reports/e2e/h200-e2e-calibrated.csv. No end-to-end row is fitted to.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release >/dev/null
bin=.build/release/roofline
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

$bin validate --measured reports/gpu/h200-measured.csv --hardware h200 \
  --db "$scratch/h200.sqlite" \
  --calibrated-descriptor hardware/h200-calibrated.yaml \
  --output reports/h200-validation.txt
$bin validate --end-to-end reports/e2e/h200-e2e.csv \
  --hardware h200-calibrated --output reports/e2e/h200-e2e-calibrated.txt
$bin validate --end-to-end reports/e2e/h200-e2e.csv \
  --hardware h200-calibrated --format csv \
  --output reports/e2e/h200-e2e-calibrated.csv
$bin validate --end-to-end reports/e2e/h200-e2e.csv \
  --hardware h200 --output reports/e2e/h200-e2e-uncalibrated.txt
echo "wrote reports/h200-validation.txt, reports/e2e/h200-e2e-*.txt"

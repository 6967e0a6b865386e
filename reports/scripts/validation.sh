#!/usr/bin/env bash
# Validation reports of issue 5: H100 measurements (reports/gpu/, made by
# tools/measure_gpu.py on a lent H100) and this host's kernels, each
# predicted, fitted on two thirds and checked on the held-out third.
#
#   reports/scripts/validation.sh
#
# Writes reports/h100-validation.{txt,csv}, hardware/h100-sxm-calibrated.yaml,
# reports/h100-calibrated-predict.txt, reports/host-validation.txt and
# reports/host-calibrated.yaml. Host kernels are timed for at least 0.2 s
# each, in two rounds (the faster round's median counts). The store is a
# scratch database, so earlier runs of this script do not count as
# regressions.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release >/dev/null
bin=.build/release/roofline
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

$bin validate --measured reports/gpu/h100-measured.csv --hardware h100-sxm \
  --db "$scratch/h100.sqlite" \
  --calibrated-descriptor hardware/h100-sxm-calibrated.yaml \
  --output reports/h100-validation.txt
$bin validate --measured reports/gpu/h100-measured.csv --hardware h100-sxm \
  --db "$scratch/h100-csv.sqlite" --format csv \
  --output reports/h100-validation.csv
$bin predict --model llama-3-8b --hardware h100-sxm-calibrated \
  --prompt-tokens 4096 --output-tokens 256 --ops \
  --output reports/h100-calibrated-predict.txt

$bin validate --db "$scratch/host.sqlite" --quiet --rounds 2 \
  --calibrated-descriptor reports/host-calibrated.yaml \
  --output reports/host-validation.txt
echo "wrote reports/h100-validation.{txt,csv}, reports/host-validation.txt"

#!/usr/bin/env bash
# Interconnect validation of issue 7: measured collectives and
# tensor-parallel layers against the α-β link model of hgx-h200.
#
#   reports/scripts/collectives.sh
#
# The measurements come from tools/measure_collectives.py on lent GPUs:
#   reports/collectives/h200-tp1.csv   one H200 (torch 2.11, CUDA 13.0, NCCL
#                                      2.28.9): the TP = 1 layer only
#     python3 tools/measure_collectives.py --world-sizes 1 --output h200-tp1.csv
# The 2-, 4- and 8-GPU runs (collectives 1 KiB–4 GiB, TP 2/4/8 layers) need
# a multi-GPU machine; with one:
#     python3 tools/measure_collectives.py --output reports/collectives/h200x8.csv
# and this script compares every CSV under reports/collectives/.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release >/dev/null
bin=.build/release/roofline
for csv in reports/collectives/*.csv; do
  $bin collectives --measured "$csv" --hardware hgx-h200 \
    --output "${csv%.csv}-validation.txt"
done

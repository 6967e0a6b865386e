#!/usr/bin/env bash
# Issue 15's proof: whole-model prefill (TTFT) and decode steps (TPOT)
# measured on a lent H200 (reports/e2e/h200-e2e.csv, by
# tools/measure_e2e.py) predicted with the H200 descriptor calibrated from
# kernel timings only (reports/gpu/h200-measured-sustained.csv, by
# tools/measure_gpu.py) and the host's cost of issuing eager layers
# (reports/gpu/h200-host-issue.csv, by tools/measure_host.py, on models
# narrowed until the host binds), and with the uncalibrated descriptor
# beside it.
#
#   reports/scripts/e2e-validation.sh
#
# The GPU runs that made the CSVs (on the device machine):
#   python3 tools/measure_gpu.py --output h200-measured-sustained.csv \
#     --repetitions 9 --sample-seconds 0.05
#   (its decode-attention rows re-measured on 2026-12-03 with the cuDNN
#   backend and batch 128 added: --only decode, the same flags; the
#   Mamba-2 kernels' rows appended from --only ssm and --only ssm-prefill
#   runs with --repetitions 7 --sample-seconds 0.05, logs
#   h200-measure-ssm{,-prefill}.log; the repeat-t rows appended from a
#   --only ssm-layout run with the default flags, and transformers'
#   fallback products (outer-*32, reduce-*32) from a --only ssm-hf run
#   with --repetitions 9, third session of 2026-12-03; the other rows are
#   the earlier run's)
#   (cd tools && python3 measure_host.py --config ../workloads/llama-3-8b.yaml \
#     --config ../reports/e2e/configs/mixtral-8x7b-8-layers.json \
#     --config ../workloads/mamba2-780m.yaml --output h200-host-issue.csv)
#     # model paths written without the ../
#   python3 tools/measure_gpu.py --output h200-measured.csv --repetitions 9
#   (reports/e2e/h200-e2e.csv: the reference engine's rows of that run,
#   2026-12-03; transformers' rows of a later run of the same command with
#   --engine hf and host probes, leases 5-6, log h200-e2e-hf-probe.log;
#   the transformers rows taken beside the host timings, without probes,
#   are in h200-e2e-hf-lease3.csv, and an earlier lease's in
#   h200-e2e-hf-rerun.csv)
#   python3 tools/measure_e2e.py --config workloads/llama-3-8b.yaml \
#     --config reports/e2e/configs/llama-3.2-3b.json \
#     --config reports/e2e/configs/mixtral-8x7b-8-layers.json \
#     --config reports/e2e/configs/qwen2-7b.json \
#     --config reports/e2e/configs/llama-3-70b-20-layers.json \
#     --config workloads/yi-34b.yaml --budget 0.5 --most 10 \
#     --output h200-e2e.csv
#   (cd tools && python3 measure_e2e.py --config ../workloads/mamba2-780m.yaml \
#     --budget 0.5 --most 10 --output h200-e2e-ssm.csv)   # model column: the name
#   (with host probes; the earlier rows without them: h200-e2e-ssm-noprobe.csv;
#   every kernel of a few Mamba-2 passes: h200-e2e-ssm-trace-2.csv, by
#   --prefill-shapes 1x512,1x8192,8x512 --decode-shapes 1x1024,16x1024,256x1024
#   --budget 0.2 --most 3 --no-host-probe --trace, prefill batch 1 kept)
#   (cd tools && python3 measure_e2e.py \
#     --config ../Tests/Resources/hf-configs/qwen3-8b.json --engine hf \
#     --budget 0.3 --most 5 --prefill-shapes 1x512,1x2048,1x8192,8x512 \
#     --decode-shapes 1x1024,16x1024,64x4096 --output h200-e2e-qwen3.csv)
#     # a family added after the host calibration; model path without ../
#   (and, with --prefill-shapes 1x512,8x512 --decode-shapes 1x1024,64x1024
#   --trace h200-e2e-trace.csv, every kernel of a few passes)
#
# The descriptor is calibrated from the kernels timed in 50 ms samples
# (clocks as a sustained prefill holds them); the 1 ms samples' calibration
# is predicted beside it.
#
# Writes hardware/h200-calibrated.yaml, reports/h200-validation{,-1ms}.txt,
# reports/e2e/h200-e2e-{calibrated,calibrated-probe,calibrated-1ms,calibrated-host8,
# uncalibrated,ssm-calibrated,hf-lease3-calibrated}.txt and
# reports/e2e/h200-e2e-calibrated.csv. No end-to-end row is fitted to.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release >/dev/null
bin=.build/release/roofline
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The host timings: the three models' and, from a later lease, the Granite
# hybrid's Mamba layers (the narrowed twin runs one attention layer and the
# rest Mamba, so its rows name the hybrid with Mamba layers only,
# e2e/configs/granite-4.0-h-tiny-mamba-layers.json; the intercept holds the
# attention layer).
host="$scratch/host-issue.csv"
cat reports/gpu/h200-host-issue.csv > "$host"
tail -n +2 reports/gpu/h200-host-issue-granite.csv >> "$host"
$bin validate --measured reports/gpu/h200-measured-sustained.csv \
  --host-issue "$host" \
  --hardware h200 --db "$scratch/h200.sqlite" \
  --calibrated-descriptor hardware/h200-calibrated.yaml \
  --output reports/h200-validation.txt
$bin validate --measured reports/gpu/h200-measured.csv --hardware h200 \
  --db "$scratch/h200-1ms.sqlite" \
  --calibrated-descriptor "$scratch/h200-calibrated-1ms.yaml" \
  --output reports/h200-validation-1ms.txt
$bin validate --end-to-end reports/e2e/h200-e2e.csv --db "$scratch/e2e.sqlite" \
  --hardware h200-calibrated --output reports/e2e/h200-e2e-calibrated.txt
# The same, each eager row's host issue scaled by its host probe (the
# narrowed model timed around the row: the host's speed at that moment).
$bin validate --end-to-end reports/e2e/h200-e2e.csv --db "$scratch/e2e.sqlite" \
  --hardware h200-calibrated --host-speed probe \
  --output reports/e2e/h200-e2e-calibrated-probe.txt
# transformers' rows of the lease the host timings were taken in (no
# probes), as calibrated.
$bin validate --end-to-end reports/e2e/h200-e2e-hf-lease3.csv \
  --db "$scratch/e2e.sqlite" --hardware h200-calibrated \
  --output reports/e2e/h200-e2e-hf-lease3-calibrated.txt
$bin validate --end-to-end reports/e2e/h200-e2e.csv --db "$scratch/e2e.sqlite" \
  --hardware h200-calibrated --format csv \
  --output reports/e2e/h200-e2e-calibrated.csv
$bin validate --end-to-end reports/e2e/h200-e2e-ssm.csv --db "$scratch/e2e.sqlite" \
  --hardware h200-calibrated --output reports/e2e/h200-e2e-ssm-calibrated.txt
$bin validate --end-to-end reports/e2e/h200-e2e-ssm.csv --db "$scratch/e2e.sqlite" \
  --hardware h200-calibrated --host-speed probe \
  --output reports/e2e/h200-e2e-ssm-calibrated-probe.txt
$bin validate --end-to-end reports/e2e/h200-e2e-qwen3.csv --db "$scratch/e2e.sqlite" \
  --hardware h200-calibrated --host-speed probe \
  --output reports/e2e/h200-e2e-qwen3-calibrated-probe.txt
# A hybrid added after the calibration (Mamba-2, GQA and 64 experts with a
# shared MLP), on transformers; prefill rows and trace from
#   (cd tools && python3 measure_e2e.py --config \
#     ../Tests/Resources/hf-configs/granite-4.0-h-tiny.json --engine hf \
#     --prefill-shapes 1x512,1x2048,4x2048 --decode-shapes 1x1024 \
#     --budget 0.2 --most 3 --no-host-probe --trace granite-trace.csv \
#     --output granite-e2e.csv)   # model column: the name; trace kept as
#     # reports/e2e/h200-e2e-granite-trace.csv
# (its decode crashed the harness then), decode rows from a later run with
#   --prefill-shapes "" --decode-shapes 1x1024,16x1024,64x1024,1x8192 \
#   --most 5   # b=64 ran out of memory in the fp32 fallback's prompt
$bin validate --end-to-end reports/e2e/h200-e2e-granite.csv \
  --db "$scratch/e2e.sqlite" --hardware h200-calibrated \
  --output reports/e2e/h200-e2e-granite-calibrated.txt
# Granite again, in the lease of its host timings, each row with its host
# probe (the hybrid narrowed as measure_host.py narrows it), from
#   (cd tools && python3 measure_host.py --config \
#     ../Tests/Resources/hf-configs/granite-4.0-h-tiny.json --engine hf \
#     --output h200-host-issue-granite.csv)
#   (cd tools && python3 measure_e2e.py --config \
#     ../Tests/Resources/hf-configs/granite-4.0-h-tiny.json --engine hf \
#     --prefill-shapes 1x512,1x2048 --decode-shapes 1x1024,16x1024,1x8192 \
#     --budget 0.3 --most 5 --output h200-e2e-granite-probe.csv)
#   # model paths written without the ../ (the host rows' model: the
#   # Mamba-layers config); log without the fallback warnings
$bin validate --end-to-end reports/e2e/h200-e2e-granite-probe.csv \
  --db "$scratch/e2e.sqlite" --hardware h200-calibrated --host-speed probe \
  --output reports/e2e/h200-e2e-granite-calibrated-probe.txt
$bin validate --end-to-end reports/e2e/h200-e2e.csv --db "$scratch/e2e.sqlite" \
  --hardware "$scratch/h200-calibrated-1ms.yaml" \
  --output reports/e2e/h200-e2e-calibrated-1ms.txt
$bin validate --end-to-end reports/e2e/h200-e2e.csv --db "$scratch/e2e.sqlite" \
  --hardware h200 --output reports/e2e/h200-e2e-uncalibrated.txt
# Sensitivity to the host: the same kernels with the host-issue timings of
# an earlier lease (measure_host.py's first version, which narrowed heads
# to 8 dimensions; the host ran about twice as fast that hour).
$bin validate --measured reports/gpu/h200-measured-sustained.csv \
  --host-issue reports/gpu/h200-host-issue-head-dim-8.csv \
  --hardware h200 --db "$scratch/h200-host8.sqlite" \
  --calibrated-descriptor "$scratch/h200-host8.yaml" --output "$scratch/host8.txt"
$bin validate --end-to-end reports/e2e/h200-e2e.csv --db "$scratch/e2e.sqlite" \
  --hardware "$scratch/h200-host8.yaml" \
  --output reports/e2e/h200-e2e-calibrated-host8.txt
echo "wrote reports/h200-validation.txt, reports/e2e/h200-e2e-*.txt"

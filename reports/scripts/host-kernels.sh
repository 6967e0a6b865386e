#!/usr/bin/env bash
# Host kernel benchmarks against issue 19's targets, in one run on one
# machine: probe (each instruction set's FMA peak), FlashAttention-2 (N
# 2048/4096/8192, d 64/128, causal or not) in the widest instruction set on
# one thread and on all cores, and in AVX2 on one thread beside it; split-KV
# decode at L = 64K, chunked linear attention and the selective scan in
# each set; and -- when a Python with torch and numpy is found ($PYTHON, or
# .venv/bin/python: python3 -m venv .venv && .venv/bin/pip install torch
# numpy) -- PyTorch's CPU SDPA and a numpy blocked attention on the same
# shapes, one thread and all cores. Writes reports/host-probe.csv,
# reports/host-probed.yaml, reports/host-kernels.csv,
# reports/host-baselines.csv and reports/host-kernels.md.
#
#   reports/scripts/host-kernels.sh [OUTPUT_PREFIX] [BINARY]
#
# OUTPUT_PREFIX (default reports/host) names the five files (e.g.
# reports/gpu-host for the 16-core host of a lent GPU machine); BINARY
# (default: a release build made here) a prebuilt roofline to run there.
# The GPU machines have no Swift: build a binary here with the Swift runtime
# linked in, carry it there with the two C libraries it loads, and run it:
#   swift build -c release --product roofline --build-path .build-static \
#     --static-swift-stdlib
#   mkdir -p .build-device && strip -o .build-device/roofline \
#     .build-static/release/roofline && gzip -1 -f .build-device/roofline
#   cp -L /lib/x86_64-linux-gnu/libsqlite3.so.0 \
#     /lib/x86_64-linux-gnu/libcsv.so.3 .build-device/
#   # there (device `run`, carry .build-device):
#   gunzip -f .build-device/roofline.gz && LD_LIBRARY_PATH=$PWD/.build-device \
#     PYTHON=python3 bash reports/scripts/host-kernels.sh reports/gpu-host \
#     .build-device/roofline
# Run on an otherwise idle machine. Fractions of peak use probes taken
# between the repetitions of each benchmark (FMA of the instruction set
# run, on the threads used; DRAM read for decode), since a shared VM's
# speed drifts.
set -euo pipefail
cd "$(dirname "$0")/../.."
prefix=${1:-reports/host}
bin=${2:-}
if [ -z "$bin" ]; then
  swift build -c release --product roofline >/dev/null
  bin=.build/release/roofline
fi
python=${PYTHON:-.venv/bin/python}
cores=$(nproc)
$bin probe --format csv --descriptor "$prefix-probed.yaml" >"$prefix-probe.csv"
# The one-thread FMA peak of an instruction set, GFLOP/s.
peak() { awk -F'","' -v row="\"fma_$1_flops_per_second" '$1 == row { print $3 / 1e9 }' "$prefix-probe.csv"; }
widest=$(awk -F'","' '/^"fma_[a-z0-9]*_flops/ { sub(/^"fma_/, "", $1); sub(/_flops.*/, "", $1); print $1; exit }' "$prefix-probe.csv")
out=$prefix-kernels.csv
first=1
run() {
  rows=$($bin bench "$@" --format csv)
  if [ $first -eq 1 ]; then echo "$rows" | head -1 >"$out"; first=0; fi
  echo "$rows" | tail -n +2 >>"$out"
}
# Two rounds of the flash sweep, minutes apart: the table takes each row's
# faster round (the CSV keeps both), since a slow stretch of a shared VM
# can span one benchmark's every repetition.
for round in 1 2; do
  for n in 2048 4096 8192; do
    reps=$((n == 2048 ? 15 : n == 4096 ? 9 : 5))
    for d in 64 128; do
      for causal in "" "--causal"; do
        run --kernel flash --n $n --d $d $causal --threads 1 --repetitions $reps \
          --probe-peaks --isa "$widest"
        run --kernel flash --n $n --d $d $causal --threads "$cores" \
          --repetitions $reps --probe-peaks --isa "$widest"
        if [ "$widest" != avx2 ] && [ "$round" = 1 ]; then
          run --kernel flash --n $n --d $d $causal --threads 1 \
            --repetitions $reps --probe-peaks --isa avx2
        fi
      done
    done
  done
done
for isa in $(awk -F'","' '/^"fma_[a-z0-9]*_flops/ { sub(/^"fma_/, "", $1); sub(/_flops.*/, "", $1); print $1 }' "$prefix-probe.csv"); do
  for threads in 1 "$cores"; do
    run --kernel decode --n 65536 --d 128 --heads 32 --kv-heads 8 --splits 16 \
      --threads "$threads" --repetitions 5 --probe-peaks --isa "$isa"
  done
  run --kernel linear --n 8192 --d 128 --heads 4 --repetitions 3 \
    --peak-gflops "$(peak "$isa")" --isa "$isa"
  run --kernel scan --n 4096 --d 1024 --state 16 --repetitions 3 \
    --peak-gflops "$(peak "$isa")" --isa "$isa"
done
baselines=$prefix-baselines.csv
if command -v "$python" >/dev/null && "$python" -c "import torch, numpy" 2>/dev/null; then
  {
    "$python" tools/attention_baselines.py --threads 1 --repetitions 5
    "$python" tools/attention_baselines.py --threads "$cores" --repetitions 5 | tail -n +2
  } >"$baselines"
else
  echo "kernel,n,d,causal,threads,median_seconds,min_seconds,gflops_per_second" >"$baselines"
  echo "no Python with torch and numpy: baselines not run" >&2
fi
python3 reports/scripts/host-kernels-md.py "$out" "$baselines" "$prefix-probe.csv" \
  "$cores" "$widest" "$(basename "$prefix")" >"$prefix-kernels.md"
echo "wrote $out $prefix-kernels.md"

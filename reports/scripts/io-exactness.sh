#!/usr/bin/env bash
# The I/O model against the instrumented kernels, and against the lower
# bound: for FlashAttention-1, FlashAttention-2 and standard attention over
# N, d, SRAM sizes, GQA, causal masks and sliding windows, the modelled and
# counted bytes and whether they are equal, with the tiles that minimise
# traffic in M.
# Writes reports/io-exactness.csv.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product roofline >/dev/null
bin=.build/release/roofline
out=reports/io-exactness.csv
first=1
for algorithm in fa2 fa1; do
  for n in 1 7 256 1000; do
    for d in 16 64 128; do
      for m in 16384 65536 262144; do
        for causal in "" "--causal"; do
          for heads in "1 1" "8 2"; do
            set -- $heads
            rows=$($bin io --algorithm $algorithm --n $n --d $d --sram-bytes $m $causal \
              --heads $1 --kv-heads $2 --count --format csv 2>/dev/null) || continue
            if [ $first -eq 1 ]; then echo "$rows" | head -1 >"$out"; first=0; fi
            echo "$rows" | tail -n +2 >>"$out"
          done
        done
      done
    done
  done
done
# Sliding windows (causal; FlashAttention-2 skips the blocks before each
# row block's window, FlashAttention-1 masks them).
for algorithm in fa2 fa1; do
  for n in 256 1000; do
    for window in 1 100 256 4096; do
      $bin io --algorithm $algorithm --n $n --d 64 --sram-bytes 65536 \
        --causal --window $window --heads 8 --kv-heads 2 --count \
        --format csv | tail -n +2 >>"$out"
    done
  done
done
for n in 7 256 1000; do
  for d in 64 128; do
    $bin io --algorithm standard --n $n --d $d --sram-bytes 65536 --row-block 32 \
      --column-block 32 --inner-block 32 --count --format csv | tail -n +2 >>"$out"
  done
done
rows=$(($(wc -l <"$out") - 1))
exact=$(grep -c '"true","[0-9]*","[0-9.]*"$' "$out" || true)
echo "wrote $out: $rows cases, $exact exact"

#!/usr/bin/env bash
# Block-sparse FlashAttention on this host (issue 20): the SIMD kernel of
# `roofline bench --kernel flash` at block densities 1 to 0.05 (the Λ
# mask: each row block visits its sink block and those nearest the
# diagonal), causal, N = 8192, d = 128, one head, both threads; median of 5
# timed runs each, release build. The kernel visits the blocks the
# instrumented kernel does (TimedBlockSparseTests), whose bytes equal
# BlockSparseAttentionIO's (BlockSparseExactnessTests).
# Writes reports/block-sparse-speed.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product roofline >/dev/null
bin=.build/release/roofline
out=reports/block-sparse-speed.md
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
for rho in 1 0.5 0.25 0.1 0.05; do
  printf '%s,' "$rho" >>"$rows"
  "$bin" bench --kernel flash --n 8192 --d 128 --causal --threads 2 \
    --repetitions 5 --density "$rho" --quiet --format csv | tail -1 >>"$rows"
done
python3 - "$rows" >"$out.partial" <<'PY'
import csv, sys, subprocess
rows = [r for r in csv.reader(open(sys.argv[1]))]
cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"],
                     capture_output=True, text=True).stdout.strip()
print("# Block-sparse FlashAttention on the host: speed against density\n")
print("Made by `reports/scripts/block-sparse-speed.sh`: " + cpu +
      ", 2 threads, release build, causal, N = 8192, d = 128, one head,"
      " median of 5 runs.\n")
print("| density | median seconds | against dense | GFLOP/s of the visited blocks |")
print("| ---: | ---: | ---: | ---: |")
dense = float(rows[0][9])
for r in rows:
    # density, then bench's columns: kernel,n,d,heads,kv_heads,batch,
    # causal,threads,median_seconds,min_seconds,gflops_per_second,...
    t = float(r[9])
    print(f"| {r[0]} | {t:.4f} | ×{dense / t:.2f} | {float(r[11]):.1f} |")
print("\nThe last column is the kernel's speed on the blocks it visits: as "
      "the density falls, each row block's fixed work (loading Q, the "
      "softmax's rescaling, writing O) weighs more against them.")
PY
mv "$out.partial" "$out"
cat "$out"

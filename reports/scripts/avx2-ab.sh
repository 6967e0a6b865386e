#!/usr/bin/env bash
# Is the AVX2 path any slower than before run-time dispatch (issue 19)?
# Builds REV (default d2ce79a, the last commit with AVX2 kernels only) in a
# temporary worktree and times its kernels against this checkout's with
# --isa avx2, interleaved (old, new, old, new ...) in three rounds on the
# same machine, one thread: FlashAttention-2, causal or not, split-KV
# decode, linear attention and the scan. Writes reports/host-avx2-ab.md.
#
#   reports/scripts/avx2-ab.sh [REV]
set -euo pipefail
cd "$(dirname "$0")/../.."
rev=${1:-d2ce79a}
old=$(mktemp -d)
trap 'git worktree remove --force "$old" >/dev/null 2>&1 || true' EXIT
git worktree add --detach "$old" "$rev" >/dev/null 2>&1
(cd "$old" && swift build -c release --product roofline >/dev/null)
swift build -c release --product roofline >/dev/null
before=$old/.build/release/roofline
after=.build/release/roofline
cases=(
  "--kernel flash --n 4096 --d 64"
  "--kernel flash --n 4096 --d 128 --causal"
  "--kernel flash --n 8192 --d 128"
  "--kernel decode --n 65536 --d 128 --heads 32 --kv-heads 8 --splits 16"
  "--kernel linear --n 8192 --d 128 --heads 4"
  "--kernel scan --n 4096 --d 1024 --state 16"
)
csv=$(mktemp)
echo "case,build,round,median_seconds" >"$csv"
for round in 1 2 3; do
  for c in "${cases[@]}"; do
    # shellcheck disable=SC2086
    t=$($before bench $c --repetitions 7 --quiet --format csv | tail -1 | cut -d, -f9 | tr -d '"')
    echo "\"$c\",before,$round,$t" >>"$csv"
    # shellcheck disable=SC2086
    t=$($after bench $c --repetitions 7 --quiet --format csv --isa avx2 | tail -1 | cut -d, -f9 | tr -d '"')
    echo "\"$c\",after,$round,$t" >>"$csv"
  done
done
python3 - "$csv" "$rev" "$(git rev-parse --short HEAD)" >reports/host-avx2-ab.md <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print("# The AVX2 path before and after run-time dispatch\n")
print(f"Made by `reports/scripts/avx2-ab.sh {sys.argv[2]}` on this machine: the kernels of {sys.argv[2]}")
print(f"(AVX2 only) against {sys.argv[3]} with `--isa avx2`, one thread, interleaved in three")
print("rounds; each cell the best round's median of 7 repetitions (seconds).\n")
print("| case | before | after | after / before |")
print("|---|---|---|---|")
ratios = []
for case in dict.fromkeys(r["case"] for r in rows):
    b = min(float(r["median_seconds"]) for r in rows if r["case"] == case and r["build"] == "before")
    a = min(float(r["median_seconds"]) for r in rows if r["case"] == case and r["build"] == "after")
    ratios.append(a / b)
    print(f"| `{case}` | {b:.4f} | {a:.4f} | {a / b:.3f} |")
print(f"\nAfter / before: {min(ratios):.3f} to {max(ratios):.3f} (1 is the same speed; these VMs drift ±10%).")
PY
rm -f "$csv"
echo "wrote reports/host-avx2-ab.md"

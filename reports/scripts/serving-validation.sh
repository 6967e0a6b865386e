#!/usr/bin/env bash
# Issue 18's measured check: a continuous-batching server on a lent H200
# (tools/measure_serving.py: the reference implementation, Llama-3-8B with
# random weights, chunked prefill under a 2048-token budget, up to 64
# sequences, decode passes in CUDA graphs) served four Poisson traces of
# chat lengths (5, 12 and 20 requests/s, and 1000 requests/s as an
# overload whose throughput is the saturation rate); `roofline simulate`
# predicts each trace with the kernel-calibrated H200 descriptor.
#
#   reports/scripts/serving-validation.sh
#
# The traces (reports/serving/trace-chat-*.csv), written by
#   roofline simulate --model llama-3-8b --hardware h200-calibrated \
#     --engine torch --rate R --requests 300 --max-seqs 64 \
#     --token-budget 2048 --seed 1 --save-trace reports/serving/trace-chat-R.csv
# The GPU runs (2026-12-03, one lease; 5 and 20 in the second call):
#   python3 tools/measure_serving.py --config workloads/llama-3-8b.yaml \
#     --trace reports/serving/trace-chat-R.csv ... --max-seqs 64 \
#     --token-budget 2048 --max-len 4096 --output-dir reports/serving/h200
#   python3 tools/serving_kernels.py --config workloads/llama-3-8b.yaml \
#     --output reports/serving/h200-serving-kernels.csv
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product roofline >/dev/null
bin=.build/release/roofline
out=reports/serving/h200-serving-validation.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for rate in 5 12 20 1000; do
  # With the attention tail over unequal cache lengths measured from
  # kernel timings alone (h200-serving-kernels.csv), and without it.
  "$bin" simulate --model llama-3-8b --hardware h200-calibrated \
    --engine torch --trace "reports/serving/trace-chat-$rate.csv" \
    --max-seqs 64 --token-budget 2048 --format csv \
    --unequal-lengths reports/serving/h200-serving-kernels.csv \
    --output "$tmp/sim-$rate.csv" \
    --iterations-csv "reports/serving/h200/trace-chat-$rate-simulated-passes.csv"
  "$bin" simulate --model llama-3-8b --hardware h200-calibrated \
    --engine torch --trace "reports/serving/trace-chat-$rate.csv" \
    --max-seqs 64 --token-budget 2048 --format csv \
    --output "$tmp/mean-$rate.csv"
done
python3 - "$tmp" > "$out.partial" <<'PY'
import csv, statistics, sys
tmp = sys.argv[1]
def table(path):
    return {k: float(v) for k, v in list(csv.reader(open(path)))[1:]}
keys = [("ttft_p50_seconds", "TTFT p50"), ("ttft_p99_seconds", "TTFT p99"),
        ("time_between_tokens_p50_seconds", "TBT p50"),
        ("time_between_tokens_p99_seconds", "TBT p99")]
print("roofline simulate against tools/measure_serving.py on an H200 "
      "(Llama-3-8B, reference engine, 300 chat requests per trace)")
print("error = (simulated - measured) / measured; target: within 15% "
      "below saturation, saturation rate within 10%\n")
print("simulated: with the unequal-length attention tail from kernel "
      "timings (--unequal-lengths); at mean: every pass at its mean length")
print("saturation: requests per second over the makespan of the overload "
      "trace (all 300 requests within 0.3 s), both sides alike\n")
print(f"{'trace':<10} {'measure':<10} {'measured':>10} {'simulated':>10} "
      f"{'error':>8} {'at mean':>10} {'error':>8}")
for rate in ["5", "12", "20", "1000"]:
    m = table(f"reports/serving/h200/trace-chat-{rate}-summary.csv")
    s = table(f"{tmp}/sim-{rate}.csv")
    a = table(f"{tmp}/mean-{rate}.csv")
    rows = keys if rate != "1000" else keys + [
        ("requests_per_second", "saturation")]
    for key, name in rows:
        unit, scale = ("/s", 1) if key == "requests_per_second" else (
            "ms", 1e3)
        print(f"{rate + ' req/s':<10} {name:<10} "
              f"{m[key] * scale:>8.2f}{unit} {s[key] * scale:>8.2f}{unit} "
              f"{(s[key] - m[key]) / m[key] * 100:>+7.1f}% "
              f"{a[key] * scale:>8.2f}{unit} "
              f"{(a[key] - m[key]) / m[key] * 100:>+7.1f}%")
# The passes of each kind, measured (device seconds) against simulated.
print("\npasses by kind, median seconds (measured: GPU time between the "
      "pass's first and last work):")
for rate in ["5", "12", "20", "1000"]:
    m = list(csv.DictReader(open(
        f"reports/serving/h200/trace-chat-{rate}-passes.csv")))
    s = list(csv.DictReader(open(
        f"reports/serving/h200/trace-chat-{rate}-simulated-passes.csv")))
    kinds = [("decode, 1-16 seqs", lambda r: r["prefill_tokens"] == "0"
              and int(r["decode_sequences"]) <= 16),
             ("decode, 17-48", lambda r: r["prefill_tokens"] == "0"
              and 16 < int(r["decode_sequences"]) <= 48),
             ("decode, 49-64", lambda r: r["prefill_tokens"] == "0"
              and int(r["decode_sequences"]) > 48),
             ("with prefill", lambda r: r["prefill_tokens"] != "0")]
    for label, keep in kinds:
        a = [float(r["device_seconds"]) for r in m if keep(r)]
        b = [float(r["seconds"]) for r in s if keep(r)]
        if not a or not b:
            continue
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{rate + ' req/s':<10} {label:<18} measured {len(a):>5} "
              f"passes {ma * 1e3:6.2f} ms, simulated {len(b):>5} passes "
              f"{mb * 1e3:6.2f} ms ({(mb - ma) / ma * 100:+.1f}%)")
PY
mv "$out.partial" "$out"
cat "$out"

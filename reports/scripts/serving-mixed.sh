#!/usr/bin/env bash
# Issue 18: the continuous-batching passes that prefill, one at a time.
# tools/serving_mixed.py timed, on a lent H200 (2026-12-03, a fourth
# lease; the second lease's run, without a host probe, is kept in
# reports/serving/h200-lease2/serving-mixed.csv), the server's eager pass
# over a fresh prompt of C tokens beside D sequences decoding at L tokens,
# and the host's speed (its host-probe row):
#   python3 tools/serving_mixed.py --config workloads/llama-3-8b.yaml \
#     --output reports/serving/h200-serving-mixed.csv
# Here `roofline simulate` prices the same pass: D requests of L - 1
# prompt tokens arrive at once, and the C-token request arrives as the
# first decode-only pass starts, so the pass that prefills it carries the
# D decodes (at L plus the steps already taken). Each pass is priced with
# the host issue as calibrated, scaled by the lease's probe, and with the
# device alone (a probe of 1 ns: no host time), which says which bound.
#
#   reports/scripts/serving-mixed.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product roofline >/dev/null
out=reports/serving/h200-serving-mixed.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" > "$out.partial" <<'PY'
import csv, statistics, subprocess, sys
tmp = sys.argv[1]
binary = ".build/release/roofline"
meas = {}
for r in csv.DictReader(open("reports/serving/h200-serving-mixed.csv")):
    meas[(r["kind"], int(r["chunk_tokens"]), int(r["decode_sequences"]),
          int(r["context_tokens"]))] = float(r["median_seconds"])
probe = next(f"{v * 1e3:.6f}" for k, v in meas.items() if k[0] == "host-probe")

def passes(d, length, chunk, arrive, probe):
    with open(f"{tmp}/trace.csv", "w") as f:
        f.write("arrival_seconds,prompt_tokens,output_tokens\n")
        for _ in range(d):
            f.write(f"0,{length - 1},3000\n")
        f.write(f"{arrive},{chunk},2\n")
    command = [binary, "simulate", "--model", "llama-3-8b", "--hardware",
               "h200-calibrated", "--engine", "torch", "--trace",
               f"{tmp}/trace.csv", "--max-seqs", "65", "--token-budget",
               "4096", "--format", "csv", "--output", f"{tmp}/s.csv",
               "--iterations-csv", f"{tmp}/i.csv"]
    if probe:
        command += ["--host-probe-ms", probe]
    subprocess.run(command, check=True, capture_output=True)
    return list(csv.DictReader(open(f"{tmp}/i.csv")))

print("A pass that prefills a fresh C-token prompt beside D decoding "
      "sequences at L tokens (Llama-3-8B, reference engine, H200):")
print("measured: tools/serving_mixed.py's pass-mixed (wall, synchronised); "
      "simulated: roofline simulate's pass, host issue as calibrated; "
      f"probed: scaled by the lease's host probe (--host-probe-ms {probe})")
print("bound: device where the pass priced on the device alone is within "
      "10% of the probed price, else host\n")
print(f"{'D':>3} {'L':>5} {'C':>4} {'decodes':>7} {'context':>8} "
      f"{'measured':>9} {'simulated':>9} {'error':>7} {'probed':>9} "
      f"{'error':>7} {'device':>9} {'bound':>6}")
errors = {"device": [], "host": []}
probed = {"device": [], "host": []}
for d in [1, 8, 16, 32, 64]:
    for length in [256, 1024, 4000]:
        first = next(float(r["start_seconds"]) for r in
                     passes(d, length, 32, 1e6, None)
                     if r["prefill_tokens"] == "0")
        for chunk in [32, 256]:
            row = lambda it: next(r for r in it
                                  if int(r["prefill_tokens"]) == chunk)
            p = row(passes(d, length, chunk, first + 1e-6, None))
            q = row(passes(d, length, chunk, first + 1e-6, probe))
            g = row(passes(d, length, chunk, first + 1e-6, "0.000001"))
            m = meas[("pass-mixed", chunk, d, length)]
            s, sp = float(p["seconds"]), float(q["seconds"])
            dev = float(g["seconds"])
            bound = "device" if dev >= 0.9 * sp else "host"
            e, ep = (s - m) / m, (sp - m) / m
            errors[bound].append(abs(e))
            probed[bound].append(abs(ep))
            n = int(p["decode_sequences"])
            print(f"{d:>3} {length:>5} {chunk:>4} {n:>7} "
                  f"{int(p['decode_context_tokens']) / max(n, 1):>8.0f} "
                  f"{m * 1e3:>7.2f}ms {s * 1e3:>7.2f}ms {e * 100:>+6.1f}% "
                  f"{sp * 1e3:>7.2f}ms {ep * 100:>+6.1f}% "
                  f"{dev * 1e3:>7.2f}ms {bound:>6}")
for bound in errors:
    for label, e in [("as calibrated", errors[bound]),
                     ("probed", probed[bound])]:
        if e:
            print(f"\n{bound}-bound passes, {label}: {len(e)}, median "
                  f"|error| {statistics.median(e) * 100:.1f}%, max "
                  f"{max(e) * 100:.1f}%", end="")
print("\n\nOne layer's attention alone (median seconds): the varlen call "
      "over the chunk and the D decodes (attention-mixed, C = 32) against "
      "the D decodes alone (attention-decode: one query each, the GQA "
      "group folded into the tile)")
for d in [8, 16, 32, 64]:
    for length in [256, 1024, 4000]:
        a = meas[("attention-mixed", 32, d, length)]
        b = meas[("attention-decode", 0, d, length)]
        print(f"D {d:>2} L {length:>4}: mixed {a * 1e6:7.1f} us, decode "
              f"alone {b * 1e6:6.1f} us (x{a / b:.1f})")
PY
mv "$out.partial" "$out"
cat "$out"

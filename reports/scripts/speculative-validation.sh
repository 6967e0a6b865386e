#!/usr/bin/env bash
# Issue 20's speculative decoding check: Llama-3-8B verifying drafts of
# Llama-3.2-1B (random weights) on a lent H200, measured end to end by
# tools/measure_speculative.py (64 steps a row with a forced acceptance
# pattern at α = 0.7, γ = 2 and 4, batches 1-64, caches of 1K and 4K),
# against `roofline predict --draft-model` on the kernel-calibrated
# descriptor at each row's mean cache length.
#
#   reports/scripts/speculative-validation.sh
#
# The GPU runs (2026-12-03; the EAGLE rows, --draft eagle --output
# reports/speculative/h200-eagle.csv, in a later lease):
#   python3 tools/measure_speculative.py --target workloads/llama-3-8b.yaml \
#     --draft reports/e2e/configs/llama-3.2-1b.json \
#     --output reports/speculative/h200-speculative.csv
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product roofline >/dev/null
bin=.build/release/roofline
out=reports/speculative/h200-speculative-validation.txt
python3 - "$bin" > "$out.partial" <<'PY'
import csv, statistics, subprocess, sys
bin = sys.argv[1]
def table(rows, draft_flags):
    print(f"{'batch':>5} {'cache':>6} {'γ':>2}  {'draft pass':>17}  "
          f"{'verify':>17}  {'TPOT':>17}  {'plain TPOT':>10}")
    errors = {"draft": [], "verify": [], "tpot": []}
    for r in rows:
        b, gamma = int(r["batch"]), int(r["draft_tokens"])
        context = round(float(r["mean_context_tokens"]))
        out = subprocess.run(
            [bin, "predict", "--model", "llama-3-8b", "--hardware",
             "h200-calibrated", "--engine", "torch", "--batch", str(b),
             "--prompt-tokens", str(context - 1), "--output-tokens", "2"]
            + draft_flags + ["--draft-tokens", str(gamma), "--acceptance",
                             r["acceptance"], "--format", "csv"],
            capture_output=True, text=True, check=True)
        p = list(csv.DictReader(out.stdout.splitlines()))[0]
        pairs = [
            ("draft", float(p["draft_seconds"]) / gamma,
             float(r["draft_pass_seconds"])),
            ("verify", float(p["verify_seconds"]),
             float(r["verify_seconds"])),
            ("tpot", float(p["speculative_tpot_seconds"]),
             float(r["tpot_seconds"])),
        ]
        cells = []
        for name, predicted, measured in pairs:
            e = (predicted - measured) / measured
            errors[name].append(abs(e))
            cells.append(f"{measured * 1e3:6.2f}/{predicted * 1e3:6.2f} "
                         f"{e * 100:+4.0f}%")
        print(f"{b:>5} {context:>6} {gamma:>2}  " + "  ".join(cells)
              + f"  {float(p['tpot_seconds']) * 1e3:8.2f}ms")
    print("\ncells: measured/predicted ms and the error")
    for name, v in errors.items():
        print(f"{name}: median |error| {statistics.median(v) * 100:.1f}%, "
              f"max {max(v) * 100:.1f}%")
rows = list(csv.DictReader(open("reports/speculative/h200-speculative.csv")))
print("roofline predict --draft-model against measured speculative decoding "
      "on an H200")
print("(Llama-3-8B target, Llama-3.2-1B draft, reference engine, CUDA "
      "graphs; α = 0.7 forced; error = (predicted - measured) / measured)\n")
table(rows, ["--draft-model", "reports/e2e/configs/llama-3.2-1b.json"])
print("\nEAGLE drafts of the same target (tools/measure_speculative.py "
      "--draft eagle: an fc of 2h → h, one decoder layer of Llama-3-8B's "
      "shape with its own cache, an LM head) against predict --draft-eagle\n")
table(list(csv.DictReader(open("reports/speculative/h200-eagle.csv"))),
      ["--draft-eagle"])
PY
mv "$out.partial" "$out"
cat "$out"

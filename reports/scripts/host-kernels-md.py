#!/usr/bin/env python3
"""Writes host-kernels.md from the CSVs host-kernels.sh made.

    host-kernels-md.py KERNELS_CSV BASELINES_CSV PROBE_CSV CORES WIDEST NAME > MD

Re-run alone to re-render a report from CSVs measured elsewhere (e.g. the
GPU machine's host, whose CSVs come back to this checkout).
"""
import csv, sys
kernels, baselines, probe, cores, widest, name = sys.argv[1:7]
cores = int(cores)
rows = []
def key(r):
    return (r["kernel"], r["n"], r["d"], r["causal"], r["threads"], r["isa"])
for r in csv.DictReader(open(kernels)):
    same = [i for i, o in enumerate(rows) if key(o) == key(r)]
    if not same: rows.append(r)
    elif float(r["median_seconds"]) < float(rows[same[0]]["median_seconds"]): rows[same[0]] = r
peaks = [p for p in csv.DictReader(open(probe)) if p["measurement"].startswith("fma_") and p["measurement"] != "fma_flops_per_second"]
base = list(csv.DictReader(open(baselines)))
wide = [r for r in rows if "AVX2" not in r["isa"] or widest == "avx2"]
print(f"# Host kernels against the targets of issue 19 ({name})\n")
print(f"Made by `reports/scripts/host-kernels.sh{'' if name == 'host' else ' reports/' + name}` (release build, one run, one machine, {cores} cores;")
print("each flash row the faster of two rounds, both in the CSV). Every fraction is against FMA")
print("probes of the instruction set run, on the threads used, taken between that benchmark's")
print("own repetitions (DRAM read probes for decode).\n")
print("Probed FMA peaks at the start (`" + name + "-probe.csv`):\n")
for p in peaks:
    print(f"- {p['measurement'][4:-17]}: one thread {float(p['one_thread']) / 1e9:.1f} GFLOP/s, {cores} threads {float(p['all_threads']) / 1e9:.1f} GFLOP/s")
if len(peaks) > 0:
    p = peaks[0]
    scale = float(p["all_threads"]) / float(p["one_thread"])
    print(f"\nThe FMA probe itself runs {scale:.2f}× faster on {cores} threads than on one")
    print(f"(efficiency {scale / cores:.2f}): where that is under 0.85 (shared cores, hyperthreads, or an")
    print("all-core clock below the one-core one), no compute-bound kernel can reach a parallel")
    print("efficiency T1 / (p·Tp) of 0.85 either; the fraction of the all-thread probe says how")
    print("close each row comes to what the cores together can do.")
print()
sdpa = {(b["n"], b["d"], b["causal"], b["threads"]): float(b["gflops_per_second"]) for b in base if b["kernel"] == "torch_sdpa"}
numpy = {(b["n"], b["d"], b["causal"], b["threads"]): float(b["gflops_per_second"]) for b in base if b["kernel"] == "numpy_blocked"}
one = {(r["n"], r["d"], r["causal"]): float(r["median_seconds"]) for r in wide if r["kernel"] == "flash" and r["threads"] == "1"}
avx2 = {(r["n"], r["d"], r["causal"]): r for r in rows if r["kernel"] == "flash" and "AVX2" in r["isa"] and widest != "avx2"}
print(f"## FlashAttention-2, {widest}, fp32\n")
print("| N | d | causal | threads | row block | median s | GFLOP/s | fraction of peak | target | met | × torch SDPA (same run) | × numpy blocked |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
met_all = []
for r in wide:
    if r["kernel"] != "flash": continue
    k = (r["n"], r["d"], r["causal"])
    c = r["causal"] == "true"
    t = int(r["threads"])
    frac = float(r["peak_fraction"])
    g = float(r["gflops_per_second"])
    s, n = sdpa.get(k + (r["threads"],)), numpy.get(k + (r["threads"],))
    ratio = f"{g / s:.2f}×" if s else "not run"
    nratio = f"{g / n:.2f}×" if n else "not run"
    if t == 1:
        need = 0.70 if c else 0.80
        ok = frac >= need and (s is None or g / s >= 1.2)
        target = f"≥ {need:.2f} of peak, ≥ 1.2× SDPA"
        fraction = f"{frac:.3f}"
    else:
        speed = one[k] / float(r["median_seconds"])
        eff = speed / t
        need = 0.85 if int(r["n"]) >= 4096 else None
        ok = eff >= need if need else None
        target = f"≥ {need} parallel efficiency" if need else "(N < 4096: none)"
        fraction = f"{frac:.3f} ({speed:.2f}× one thread, efficiency {eff:.2f})"
    if ok is not None: met_all.append(ok)
    print(f"| {r['n']} | {r['d']} | {r['causal']} | {t} | {r['row_block']} | {float(r['median_seconds']):.4f} | {g:.1f} | {fraction} | {target} | {'' if ok is None else ('yes' if ok else 'no')} | {ratio} | {nratio} |")
print(f"\n{sum(met_all)} of {len(met_all)} flash targets met.\n")
if avx2:
    print("## The same shapes in AVX2, one thread (the eight-lane Swift path)\n")
    print("| N | d | causal | GFLOP/s | fraction of the AVX2 peak | AVX-512 speed-up |")
    print("|---|---|---|---|---|---|")
    for k, r in avx2.items():
        w = one.get(k)
        print(f"| {k[0]} | {k[1]} | {k[2]} | {float(r['gflops_per_second']):.1f} | {float(r['peak_fraction']):.3f} | {float(r['median_seconds']) / w:.2f}× |")
    print()
print("## Decode, linear attention, scan\n")
print("| kernel | instruction set | N | d | threads | median s | GFLOP/s | GB/s | fraction of peak | target | met |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    if r["kernel"] == "flash": continue
    target, met = "", ""
    if r["kernel"] == "decode" and int(r["threads"]) == cores and cores >= 16:
        target, met = "≥ 0.85 of DRAM read", "yes" if float(r["peak_fraction"]) >= 0.85 else "no"
    elif r["kernel"] == "decode":
        target = "(0.85 of DRAM read is for all cores of a 16-core host)"
    print(f"| {r['kernel']} | {r['isa']} | {r['n']} | {r['d']} | {r['threads']} | {float(r['median_seconds']):.4f} | {r['gflops_per_second']} | {r['gbytes_per_second']} | {r['peak_fraction']} | {target} | {met} |")

#!/usr/bin/env python3
"""Times the host's cost of issuing a model's layers eagerly, for roofline validate.

An eager PyTorch pass is issued by Python: module calls, dispatch, and a
launch per kernel. On a small model, or one decode step, the GPU waits on
the host, and the pass takes what the host takes to issue it. This
harness measures that cost apart from any device time: each engine of
tools/measure_e2e.py (the reference implementation, transformers' model
class) runs a copy of the model narrowed to a hidden width of 8 per head
(256 for 32 heads; MLP and experts twice that, a 1024-token vocabulary;
attention keeps its heads and
head dimension, so SDPA picks the model's backend: every kernel a few
microseconds of GPU time) with 1, 4 and 8 layers, eagerly,
for a prefill of 64 tokens and a decode step at a 64-token context. The
pass is host-bound, so its wall time is the host's; the slope over the
layer count is the host seconds per layer, the intercept the pass's own
(embedding, final norm, LM head, sampling, the engine's set-up).

Rows: model (as roofline names it), engine, fusion_profile, phase, batch,
tokens, layers, repetitions, median_seconds, min_seconds, device.
`roofline validate --measured KERNELS.csv --host-issue THIS.csv` fits
the per-layer and per-pass seconds per fusion profile, layer kind and
phase, and stores them in the calibrated descriptor beside the kernel
classes: nothing is fitted to end-to-end rows.

    python3 tools/measure_host.py --config workloads/llama-3-8b.yaml \
        --output host-issue.csv

Timing: after 10 warm-up passes, 8 samples of 20 back-to-back passes
(one synchronisation per sample); the median and min of the samples'
means. Garbage collection is off while timing. Needs torch with CUDA (and
transformers for the hf engine); --device cpu --smoke checks the code.
"""
import argparse
import csv
import gc
import os
import statistics
import sys
import time

from measure_e2e import HuggingFace, Reference, Shape, load_config

COLUMNS = ["model", "engine", "fusion_profile", "phase", "batch", "tokens",
           "layers", "repetitions", "median_seconds", "min_seconds",
           "device"]
LAYERS = (1, 4, 8)
TOKENS = 64


def narrow(fields, layers):
    """The config with `layers` layers, 8 dimensions per head, and small
    MLP, experts and vocabulary; every other field kept."""
    f = dict(fields)
    f["num_hidden_layers"] = layers
    f["vocab_size"] = 1024
    if f.get("model_type") == "mamba2":
        heads = 16
        f.update(hidden_size=64, expand=2, num_heads=heads, head_dim=8,
                 state_size=16, n_groups=1, chunk_size=32)
        return f
    # Attention keeps its heads and head dimension (its kernels, and the
    # backend SDPA picks for them, are the model's); the hidden width, the
    # MLP and the experts shrink, so the projections cost nothing.
    # The hidden width is 8 per head (256 for 32 heads), a multiple of the
    # heads as transformers' configs require.
    heads = f["num_attention_heads"]
    f["head_dim"] = f.get("head_dim") or f["hidden_size"] // heads
    f.update(hidden_size=8 * heads, intermediate_size=16 * heads)
    if "moe_intermediate_size" in f:
        f["moe_intermediate_size"] = 16 * heads
    f.pop("layer_types", None)
    f.pop("max_window_layers", None)
    if f.get("model_type") == "granitemoehybrid":
        # One attention layer (a cache needs one to know its length), the
        # rest Mamba-2 mixers: the slope over the layer count is a Mamba
        # layer's (the hybrid's most common), the intercept the pass's
        # plus one attention layer's. Mamba heads kept, 2 · hidden / heads
        # dimensions each as the config requires.
        f.update(shared_intermediate_size=16 * heads,
                 mamba_d_head=f.get("mamba_expand", 2) * 8 * heads
                 // f["mamba_n_heads"],
                 mamba_d_state=16, mamba_chunk_size=32,
                 layer_types=["attention"] + ["mamba"] * (layers - 1))
    return f


def runner(torch, fields, engine, device):
    if engine == "hf":
        return HuggingFace(torch, fields, device)
    if fields.get("model_type") == "mamba2":
        from e2e_mamba2 import Mamba2Reference, Mamba2Shape
        return Mamba2Reference(torch, Mamba2Shape(fields), device)
    return Reference(torch, Shape(fields), device)


def per_pass(torch, device, call, passes, samples):
    """Median and min seconds of one pass over `samples` samples of
    `passes` back-to-back passes."""
    means = []
    for _ in range(samples):
        if device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(passes):
            call()
        if device == "cuda":
            torch.cuda.synchronize()
        means.append((time.perf_counter() - start) / passes)
    return statistics.median(means), min(means)


def measure(args, torch, name, fields, engine, device_name):
    for phase in ("prefill", "decode"):
        if engine == "reference" and phase == "decode":
            # The reference replays its decode step from a CUDA graph: the
            # host issues one graph, not its kernels.
            continue
        for layers in LAYERS:
            # Weights are made outside inference mode (parameters cannot be
            # inference tensors), the passes run in it, as in measure_e2e.
            model = runner(torch, narrow(fields, layers), engine, args.device)
            passes, samples = (2, 2) if args.smoke else (20, 8)
            with torch.inference_mode():
                if phase == "prefill":
                    call = model.prefill_call(1, TOKENS)
                else:
                    call = model.decode_call(1, TOKENS, False)
                for _ in range(2 if args.smoke else 10):
                    call()
                gc.disable()
                try:
                    med, mn = per_pass(torch, args.device, call, passes,
                                       samples)
                finally:
                    gc.enable()
            print(f"{name} {engine} {phase} {layers} layers: "
                  f"{med * 1e6:.0f} us", file=sys.stderr)
            yield dict(model=name, engine=engine,
                       fusion_profile=model.profile(), phase=phase, batch=1,
                       tokens=TOKENS, layers=layers,
                       repetitions=passes * samples,
                       median_seconds=f"{med:.9g}", min_seconds=f"{mn:.9g}",
                       device=device_name)
            del call, model
            if args.device == "cuda":
                torch.cuda.empty_cache()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", action="append", required=True,
                        help="config.json or workloads YAML (repeatable)")
    parser.add_argument("--engine", action="append",
                        choices=["reference", "hf"],
                        help="engines to time (default both)")
    parser.add_argument("--output", required=True, help="CSV file to write")
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--smoke", action="store_true",
                        help="few passes (to check the code on a CPU)")
    args = parser.parse_args()
    import torch
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("measure_host.py: no CUDA device; run it on a GPU machine "
                 "(or --device cpu --smoke to check the code)")
    torch.manual_seed(0)
    device_name = torch.cuda.get_device_properties(0).name \
        if args.device == "cuda" else "cpu"
    rows = 0
    temporary = args.output + ".partial"
    with open(temporary, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for path in args.config:
            name, fields = load_config(path)
            for engine in args.engine or ["reference", "hf"]:
                try:
                    for measured in measure(args, torch, name, fields,
                                            engine, device_name):
                        writer.writerow(measured)
                        handle.flush()
                        rows += 1
                except (ImportError, ValueError, KeyError,
                        RuntimeError) as error:
                    print(f"skip {name} {engine}: {error}"[:300],
                          file=sys.stderr)
    os.replace(temporary, args.output)
    print(f"wrote {rows} rows to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

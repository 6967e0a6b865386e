#!/usr/bin/env python3
"""Watches the host's issue speed drift, for reading host-bound timings.

Every few seconds for --seconds, on one GPU: a probe of 3000 tiny
torch.add calls (host dispatch and launch), a pure-Python loop, a decode
step of --config narrowed as tools/measure_host.py narrows it (8 layers),
and a decode step of the model itself (batch 1, context 1024), both
through transformers' class. Prints one line per round: if the real
step tracks the narrowed one (their ratio steady) while both drift, the
host-issue model holds and the host's speed is what varies.

    python3 tools/host_drift.py --config workloads/llama-3-8b.yaml > drift.txt

Needs torch with CUDA and transformers; CI never runs this.
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure_e2e import HuggingFace, load_config  # noqa: E402
from measure_host import narrow  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--seconds", type=float, default=200)
    args = parser.parse_args()
    import torch
    name, fields = load_config(args.config)
    narrowed = HuggingFace(torch, narrow(fields, 8), "cuda")
    real = HuggingFace(torch, dict(fields), "cuda")
    x = torch.zeros(16, device="cuda")
    layers = fields["num_hidden_layers"]

    def per_pass(call, n):
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(n):
            call()
        torch.cuda.synchronize()
        return (time.perf_counter() - start) / n

    def adds():
        for _ in range(3000):
            torch.add(x, x)

    def loop():
        total = 0
        for i in range(200000):
            total += i

    with torch.inference_mode():
        small = narrowed.decode_call(1, 64, False)
        step = real.decode_call(1, 1024, False)
        for _ in range(5):
            small()
            step()
        start = time.perf_counter()
        while time.perf_counter() - start < args.seconds:
            probe = per_pass(adds, 1) / 3000
            py = per_pass(loop, 1)
            t = per_pass(small, 20)
            r = per_pass(step, 10)
            print(f"{time.perf_counter() - start:6.1f}s probe "
                  f"{probe * 1e6:.2f} us/add py {py * 1e3:.2f} ms narrowed8 "
                  f"{t * 1e3:.2f} ms {name}{layers} {r * 1e3:.2f} ms "
                  f"ratio {r / t:.2f}", flush=True)
            time.sleep(3)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Times the pieces of tools/measure_serving.py's decode pass alone.

For batches of D sequences at a uniform cache length L, on one GPU:

  pass            the server's decode pass (its CUDA graph for D), replayed
  *-unequal       the same with log-normal cache lengths (sigma 1) of the
                  row's mean (context_tokens is the mean)
  varlen          its attention alone: one FlashAttention varlen call over
                  the slot caches, `seqused_k` = L (one layer)
  sdpa            the attention roofline's decode class was calibrated on:
                  SDPA (flash backend, GQA) over a (D, kv, L, d) cache
                  (one layer)

Writes a CSV (kind, batch, context_tokens: the mean, longest_context_tokens,
median_seconds), whole.

    python3 tools/serving_kernels.py --config workloads/llama-3-8b.yaml \\
        --output serving-kernels.csv

Needs torch with CUDA; CI never runs this.
"""
import argparse
import csv
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure_e2e import Shape, load_config  # noqa: E402
from measure_serving import Server  # noqa: E402


def median_seconds(torch, call, reps=30):
    for _ in range(3):
        call()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        call()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b) * 1e-3)
    times.sort()
    return times[len(times) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--max-seqs", type=int, default=64)
    parser.add_argument("--max-len", type=int, default=4096)
    args = parser.parse_args()
    import torch
    torch.manual_seed(0)
    _, fields = load_config(args.config)
    s = Shape(fields)
    server = Server(torch, s, args.max_seqs, args.max_len, 2048)
    rows = []
    F = torch.nn.functional
    with torch.inference_mode():
        server.capture()
        for d in [1, 8, 16, 32, 64]:
            if d > args.max_seqs:
                continue
            for length in [256, 1024, 4000]:
                graph, buf, out = server.graphs[d]
                slots = list(range(d))
                buf["positions"].fill_(length - 1)
                buf["rows"].copy_(torch.tensor(
                    [i * args.max_len + length - 1 for i in slots]))
                buf["cum_k"].copy_(torch.tensor(
                    [i * args.max_len for i in range(d + 1)],
                    dtype=torch.int32))
                buf["used"].fill_(length)
                rows.append(("pass", d, length, length,
                             median_seconds(torch, graph.replay)))
                q = torch.randn(d, s.heads, s.head_dim, device="cuda",
                                dtype=torch.bfloat16)
                kc, vc = server.k[0], server.v[0]
                rows.append(("varlen", d, length, length, median_seconds(
                    torch, lambda: server.attend(
                        q, kc, vc, buf["cum_q"], buf["cum_k"], buf["used"],
                        1))))
                qq = q[:, :, None].contiguous()
                k4 = torch.randn(d, s.kv_heads, length, s.head_dim,
                                 device="cuda", dtype=torch.bfloat16)
                v4 = torch.randn_like(k4)

                def sdpa():
                    with torch.nn.attention.sdpa_kernel(
                            [torch.nn.attention.SDPBackend.FLASH_ATTENTION]):
                        F.scaled_dot_product_attention(
                            qq, k4, v4, enable_gqa=True)
                rows.append(("sdpa", d, length, length,
                             median_seconds(torch, sdpa)))
                print(rows[-3:], file=sys.stderr)
        # Unequal caches of the same mean: log-normal lengths (sigma 1,
        # as a chat workload's), at most --max-len.
        import random
        rng = random.Random(0)
        for d in [16, 32, 64]:
            if d > args.max_seqs:
                continue
            for mean in [256, 400, 700, 1024, 2000]:
                lengths = [min(args.max_len - 1, max(1, int(
                    rng.lognormvariate(0, 1) * mean / 1.6487))) for _ in
                    range(d)]
                scale = mean * d / sum(lengths)
                lengths = [min(args.max_len - 1, max(1, int(x * scale)))
                           for x in lengths]
                graph, buf, out = server.graphs[d]
                buf["positions"].copy_(torch.tensor([x - 1 for x in lengths]))
                buf["rows"].copy_(torch.tensor(
                    [i * args.max_len + x - 1 for i, x in
                     enumerate(lengths)]))
                buf["cum_k"].copy_(torch.tensor(
                    [i * args.max_len for i in range(d + 1)],
                    dtype=torch.int32))
                buf["used"].copy_(torch.tensor(lengths, dtype=torch.int32))
                true_mean = sum(lengths) / d
                longest = max(lengths)
                rows.append(("pass-unequal", d, true_mean, longest,
                             median_seconds(torch, graph.replay)))
                q = torch.randn(d, s.heads, s.head_dim, device="cuda",
                                dtype=torch.bfloat16)
                rows.append(("varlen-unequal", d, true_mean, longest,
                             median_seconds(
                    torch, lambda: server.attend(
                        q, server.k[0], server.v[0], buf["cum_q"],
                        buf["cum_k"], buf["used"], 1))))
                buf["positions"].fill_(int(true_mean) - 1)
                buf["used"].fill_(int(true_mean))
                rows.append(("pass", d, int(true_mean), int(true_mean),
                             median_seconds(torch, graph.replay)))
                rows.append(("varlen", d, int(true_mean), int(true_mean),
                             median_seconds(
                    torch, lambda: server.attend(
                        q, server.k[0], server.v[0], buf["cum_q"],
                        buf["cum_k"], buf["used"], 1))))
                print(rows[-4:], max(lengths), file=sys.stderr)
    temporary = args.output + ".partial"
    with open(temporary, "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["kind", "batch", "context_tokens",
                    "longest_context_tokens", "median_seconds"])
        w.writerows(rows)
    os.replace(temporary, args.output)


if __name__ == "__main__":
    main()

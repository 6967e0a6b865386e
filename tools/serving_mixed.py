#!/usr/bin/env python3
"""Times tools/measure_serving.py's passes that prefill, piece by piece.

A continuous-batching pass that prefills runs eagerly, with one
FlashAttention varlen call over every sequence's cache: the chunk's
queries and one query for each decoding sequence. With more than one
query in a sequence the kernel no longer folds a GQA group's query heads
into its row tile (FlashAttention-2 does so only when every sequence has
one query), so each decoding sequence costs a whole row tile per query
head. For a chunk of C new tokens (a fresh prompt) beside D sequences
decoding at a cache of L tokens, on one GPU:

  attention-mixed   one layer's varlen call over the chunk and the D
                    decoding sequences (max_seqlen_q = C)
  attention-decode  the same D decoding sequences alone (max_seqlen_q = 1:
                    the folded kernel the decode graphs run)
  pass-mixed        the server's eager pass over the chunk and the D
                    decodes, synchronised (wall seconds: host and GPU)
  pass-chunk        the eager pass over the chunk alone

and, for a few points, every kernel of a mixed pass under the PyTorch
profiler (kind `kernel`, the name in `kernel`, its summed seconds in
median_seconds, its calls in `calls`); and the host's speed (kind
`host-probe`: the model narrowed as tools/measure_host.py narrows it, its
prefill pass of context_tokens layers, the mean of a timing before and
one after, for `roofline simulate --host-probe-ms`).

Writes a CSV (kind, chunk_tokens, decode_sequences, context_tokens,
median_seconds, calls, kernel), whole.

    python3 tools/serving_mixed.py --config workloads/llama-3-8b.yaml \\
        --output serving-mixed.csv

Needs torch with CUDA (--smoke: on the CPU, two small layers, to check
the code; times mean nothing); CI never runs this.
"""
import argparse
import csv
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure_e2e import Shape, load_config  # noqa: E402
from measure_serving import Server  # noqa: E402


def gpu_seconds(torch, call, cuda, reps=20):
    """The median of `reps` timed calls after three warm-ups (CUDA events
    on a GPU, the wall clock on the CPU)."""
    for _ in range(3):
        call()
    times = []
    for _ in range(reps):
        if cuda:
            torch.cuda.synchronize()
            a = torch.cuda.Event(enable_timing=True)
            b = torch.cuda.Event(enable_timing=True)
            a.record()
            call()
            b.record()
            b.synchronize()
            times.append(a.elapsed_time(b) * 1e-3)
        else:
            began = time.perf_counter()
            call()
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def wall_seconds(torch, call, cuda, reps=12):
    """The median wall time of `reps` calls that end synchronised."""
    for _ in range(3):
        call()
    times = []
    for _ in range(reps):
        if cuda:
            torch.cuda.synchronize()
        began = time.perf_counter()
        call()
        if cuda:
            torch.cuda.synchronize()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def work(chunk, decodes, context, vocab):
    """The server's pass items: D decodes in slots 0..D-1 at `context`
    tokens (their last one new), then a fresh prompt of `chunk` tokens."""
    items = [(slot, [slot % vocab], context - 1, True)
             for slot in range(decodes)]
    if chunk:
        items.append((decodes, [(decodes + i) % vocab for i in range(chunk)],
                      0, True))
    return items


def varlen(torch, server, chunk, decodes, context, device):
    """A closure calling one layer's attention as the pass does."""
    s = server.s
    lengths = [1] * decodes + ([chunk] if chunk else [])
    used = [context] * decodes + ([chunk] if chunk else [])
    cum_q = [0]
    for n in lengths:
        cum_q.append(cum_q[-1] + n)
    slots = len(lengths)
    cum_k = [i * server.max_len for i in range(slots + 1)]

    def dev(values):
        return torch.tensor(values, dtype=torch.int32, device=device)
    q = torch.randn(cum_q[-1], s.heads, s.head_dim, device=device,
                    dtype=torch.bfloat16)
    args = (q, server.k[0], server.v[0], dev(cum_q), dev(cum_k), dev(used),
            max(lengths))
    return lambda: server.attend(*args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--max-len", type=int, default=4096)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    import torch
    cuda = not args.smoke
    device = "cuda" if cuda else "cpu"
    if cuda and not torch.cuda.is_available():
        sys.exit("serving_mixed.py: no CUDA device (or --smoke)")
    torch.manual_seed(0)
    _, fields = load_config(args.config)
    chunks, decodes, contexts = [32, 256], [1, 8, 16, 32, 64], [256, 1024,
                                                                 4000]
    if args.smoke:
        fields.update(num_hidden_layers=2, hidden_size=256,
                      intermediate_size=512, num_attention_heads=4,
                      num_key_value_heads=2, head_dim=64, vocab_size=1000)
        chunks, decodes, contexts = [8], [1, 4], [64]
        args.max_len = 128
    s = Shape(fields)
    server = Server(torch, s, max(decodes) + 1, args.max_len, 4096, device)
    rows = []
    probe = None
    if cuda:
        # The host's speed in this lease: the narrowed model's prefill
        # pass (tools/measure_host.py's narrowing), before and after.
        from measure_e2e import PROBE_LAYERS, HostProbe
        probe = HostProbe(args, torch, fields, "reference", device)
    with torch.inference_mode():
        before = probe.seconds("prefill") if probe else None
        for d in decodes:
            for length in contexts:
                rows.append(("attention-decode", 0, d, length, gpu_seconds(
                    torch, varlen(torch, server, 0, d, length, device),
                    cuda), 1, ""))
                for c in chunks:
                    rows.append(("attention-mixed", c, d, length,
                                 gpu_seconds(torch, varlen(
                                     torch, server, c, d, length, device),
                                     cuda), 1, ""))
                    items = work(c, d, length, s.vocab)
                    rows.append(("pass-mixed", c, d, length, wall_seconds(
                        torch, lambda: server.run_pass(items), cuda), 1, ""))
                print(rows[-1 - 2 * len(chunks):], file=sys.stderr)
        for c in chunks:
            items = work(c, 0, 1, s.vocab)
            rows.append(("pass-chunk", c, 0, 0, wall_seconds(
                torch, lambda: server.run_pass(items), cuda), 1, ""))
        if probe:
            after = probe.seconds("prefill")
            rows.append(("host-probe", 0, 0, PROBE_LAYERS,
                         (before + after) / 2, 1, ""))
        if cuda:
            from torch.profiler import ProfilerActivity, profile
            for c, d, length in [(32, 1, 1024), (32, 64, 1024),
                                 (256, 64, 256)]:
                items = work(c, d, length, s.vocab)
                for _ in range(3):
                    server.run_pass(items)
                torch.cuda.synchronize()
                reps = 5
                with profile(activities=[ProfilerActivity.CUDA]) as prof:
                    for _ in range(reps):
                        server.run_pass(items)
                    torch.cuda.synchronize()
                for e in prof.key_averages():
                    total = getattr(e, "device_time_total", None)
                    if total is None:
                        total = e.cuda_time_total
                    if total <= 0:
                        continue
                    rows.append(("kernel", c, d, length,
                                 total * 1e-6 / reps, e.count // reps,
                                 e.key[:160]))
    temporary = args.output + ".partial"
    with open(temporary, "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["kind", "chunk_tokens", "decode_sequences",
                    "context_tokens", "median_seconds", "calls", "kernel"])
        w.writerows(rows)
    os.replace(temporary, args.output)


if __name__ == "__main__":
    main()

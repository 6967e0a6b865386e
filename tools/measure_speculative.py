#!/usr/bin/env python3
"""Times speculative decoding end to end on one GPU, for roofline predict.

A target and a draft model (configs; random bf16 weights, nothing
downloaded), both tools/measure_serving.py's reference implementation with
slot caches, run speculative decoding steps for a batch of B sequences at
a cache length L: the draft decodes γ tokens (γ replays of its CUDA-graph
decode pass), then the target verifies them in one pass of γ + 1 tokens a
sequence (a CUDA graph: FlashAttention varlen, bottom-right causal over
each cache; the LM head and argmax on every position), and the sampled
ids are read back, as a loop that must know what was accepted does.

Acceptance is forced: step i accepts k_i drafted tokens from a fixed
pattern whose counts follow the distribution of independent acceptances
at rate α (P(k) = α^k (1 − α) for k < γ, α^γ for k = γ), so each step
yields k_i + 1 tokens and every sequence's cache advances by that much.
Timing does not depend on which tokens are drafted, only on the lengths.

Rows: batch, context_tokens (at the first step), draft_tokens, acceptance,
steps, draft_pass_seconds and verify_seconds (each replayed alone, median),
step_seconds (median of whole steps in the loop), tokens_per_step (of the
pattern), tpot_seconds (the loop's time over its tokens), mean_context_tokens.

    python3 tools/measure_speculative.py --target workloads/llama-3-8b.yaml \\
        --draft reports/e2e/configs/llama-3.2-1b.json --output spec.csv

With `--draft eagle` the draft is an EAGLE head of the target: each draft
step an fc of 2h → h, one decoder layer of the target's shape with its
own cache, and an LM head (`roofline predict --draft-eagle`).

Needs torch with CUDA; CI never runs this.
"""
import argparse
import csv
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_graph import capture  # noqa: E402
from measure_e2e import Shape, load_config  # noqa: E402
from measure_serving import Server  # noqa: E402
from serving_kernels import median_seconds  # noqa: E402


def pattern(gamma, alpha, steps):
    """Accepted counts whose frequencies follow the acceptance law, spread
    evenly over `steps` (largest remainder)."""
    probs = [alpha ** k * (1 - alpha) for k in range(gamma)] + [alpha ** gamma]
    counts = [int(p * steps) for p in probs]
    order = sorted(range(len(probs)), key=lambda k: probs[k] * steps
                   - counts[k], reverse=True)
    for k in order[:steps - sum(counts)]:
        counts[k] += 1
    seq = []
    for k, c in enumerate(counts):
        seq += [k] * c
    # Interleave so no stretch of the loop is all long or all short.
    return [seq[(i * 7919) % len(seq)] for i in range(len(seq))] if seq \
        else []


def verify_graph(torch, server, batch, gamma):
    """The target's verification pass for `batch` sequences of γ + 1
    tokens, captured; returns the graph, its buffers and its output."""
    t = torch
    n = batch * (gamma + 1)
    L = server.max_len
    buf = dict(
        ids=t.zeros(n, dtype=t.int64, device="cuda"),
        positions=t.zeros(n, dtype=t.int64, device="cuda"),
        rows=t.zeros(n, dtype=t.int64, device="cuda"),
        cum_q=t.arange(batch + 1, dtype=t.int32, device="cuda") * (gamma + 1),
        cum_k=t.arange(batch + 1, dtype=t.int32, device="cuda") * L,
        used=t.ones(batch, dtype=t.int32, device="cuda"),
        sample=t.arange(n, dtype=t.int64, device="cuda"))

    def step():
        return server.forward(buf["ids"], buf["positions"], buf["rows"],
                              buf["cum_q"], buf["cum_k"], buf["used"],
                              gamma + 1, buf["sample"])
    graph, out = capture(t, step)
    return graph, buf, out


def eagle_graph(torch, server, batch):
    """An EAGLE draft step for `batch` sequences, captured: the fc of the
    target's feature and the drafted token's embedding (2h → h), then the
    one-layer draft's decode pass (its embedding, layer, final norm, LM
    head and argmax). The fc's output is not fed to the pass: the kernels
    and their sizes are EAGLE's, the values do not change the timing."""
    t = torch
    h = server.s.hidden
    L = server.max_len
    fc = t.randn(h, 2 * h, device="cuda", dtype=t.bfloat16) * 0.01
    joined = t.randn(batch, 2 * h, device="cuda", dtype=t.bfloat16)
    buf = dict(
        ids=t.zeros(batch, dtype=t.int64, device="cuda"),
        positions=t.zeros(batch, dtype=t.int64, device="cuda"),
        rows=t.arange(batch, dtype=t.int64, device="cuda") * L,
        cum_q=t.arange(batch + 1, dtype=t.int32, device="cuda"),
        cum_k=t.arange(batch + 1, dtype=t.int32, device="cuda") * L,
        used=t.ones(batch, dtype=t.int32, device="cuda"),
        sample=t.arange(batch, dtype=t.int64, device="cuda"))

    def step():
        t.nn.functional.linear(joined, fc)
        return server.forward(buf["ids"], buf["positions"], buf["rows"],
                              buf["cum_q"], buf["cum_k"], buf["used"], 1,
                              buf["sample"])
    graph, out = capture(t, step)
    return graph, buf, out


def set_lengths(torch, server, buf, lengths, tokens_each):
    """Points a captured pass at caches of `lengths`, `tokens_each` new
    tokens a sequence after them."""
    t = torch
    L = server.max_len
    pos = [x + j for x in lengths for j in range(tokens_each)]
    rows = [i * L + x + j for i, x in enumerate(lengths)
            for j in range(tokens_each)]
    buf["positions"].copy_(t.tensor(pos, dtype=t.int64), non_blocking=True)
    buf["rows"].copy_(t.tensor(rows, dtype=t.int64), non_blocking=True)
    buf["used"].copy_(t.tensor([x + tokens_each for x in lengths],
                               dtype=t.int32), non_blocking=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--draft", required=True,
                        help="a draft config, or `eagle`: an EAGLE draft "
                             "of the target (one decoder layer of its "
                             "shape after an fc of 2h → h, its LM head)")
    parser.add_argument("--output", required=True)
    parser.add_argument("--batches", default="1,8,32,64")
    parser.add_argument("--contexts", default="1024,4096")
    parser.add_argument("--draft-tokens", default="2,4")
    parser.add_argument("--acceptance", type=float, default=0.7)
    parser.add_argument("--steps", type=int, default=64)
    args = parser.parse_args()
    import torch
    torch.manual_seed(0)
    batches = [int(x) for x in args.batches.split(",")]
    contexts = [int(x) for x in args.contexts.split(",")]
    gammas = [int(x) for x in args.draft_tokens.split(",")]
    room = max(contexts) + args.steps * (max(gammas) + 1) + 8
    rows = []
    with torch.inference_mode():
        for b in batches:
            target = Server(torch, Shape(load_config(args.target)[1]), b,
                            room, 4096)
            if args.draft == "eagle":
                # One decoder layer of the target's shape, its own cache.
                fields = dict(load_config(args.target)[1])
                fields["num_hidden_layers"] = 1
                draft = Server(torch, Shape(fields), b, room, 4096)
                dgraph, dbuf, _ = eagle_graph(torch, draft, b)
            else:
                draft = Server(torch, Shape(load_config(args.draft)[1]), b,
                               room, 4096)
                draft.capture([b])
                dgraph, dbuf, _ = draft.graphs[b]
            for gamma in gammas:
                vgraph, vbuf, vout = verify_graph(torch, target, b, gamma)
                for length in contexts:
                    lengths = [length] * b
                    set_lengths(torch, draft, dbuf, lengths, 1)
                    d = median_seconds(torch, dgraph.replay)
                    set_lengths(torch, target, vbuf, lengths, gamma + 1)
                    v = median_seconds(torch, vgraph.replay)
                    accepted = pattern(gamma, args.acceptance, args.steps)
                    steps = []
                    tokens = 0
                    context_sum = 0
                    lengths = [length] * b
                    torch.cuda.synchronize()
                    began = time.perf_counter()
                    for k in accepted:
                        start = time.perf_counter()
                        for j in range(gamma):
                            set_lengths(torch, draft, dbuf,
                                        [x + j for x in lengths], 1)
                            dgraph.replay()
                        set_lengths(torch, target, vbuf, lengths, gamma + 1)
                        vgraph.replay()
                        vout.tolist()
                        steps.append(time.perf_counter() - start)
                        context_sum += lengths[0]
                        lengths = [x + k + 1 for x in lengths]
                        tokens += k + 1
                    total = time.perf_counter() - began
                    rows.append([
                        b, length, gamma, args.acceptance, len(accepted), d,
                        v, statistics.median(steps), tokens / len(accepted),
                        total / tokens, context_sum / len(accepted)])
                    print(rows[-1], file=sys.stderr)
            del target, draft, dgraph, dbuf, vgraph, vbuf, vout
            torch.cuda.empty_cache()
    temporary = args.output + ".partial"
    with open(temporary, "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["batch", "context_tokens", "draft_tokens", "acceptance",
                    "steps", "draft_pass_seconds", "verify_seconds",
                    "step_seconds", "tokens_per_step", "tpot_seconds",
                    "mean_context_tokens"])
        w.writerows(rows)
    os.replace(temporary, args.output)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A minimal continuous-batching server on one GPU, timed request by request.

Serves a request trace (the CSV `roofline simulate --save-trace` writes:
arrival_seconds, prompt_tokens, output_tokens) with this project's
reference implementation (tools/measure_e2e.py's `Reference`: fused QKV
and gate+up, rotate-half RoPE, RMSNorm, silu·mul, random bf16 weights from
a config, nothing downloaded), scheduled as `roofline simulate
--scheduler continuous` schedules it:

  * each pass first gives every running sequence its next step (a decode
    token, or the next chunk of its prompt within the token budget), then
    admits waiting requests in arrival order while the budget and the
    sequence limit allow (chunked prefill, vLLM v1 / Sarathi-Serve);
  * a pass that prefills anything runs eagerly as one forward over all its
    tokens: projections and MLP once over the packed tokens, attention as
    one FlashAttention varlen call over every sequence's cache (each
    sequence's cache is a slot of --max-len tokens; `seqused_k` bounds the
    keys read), K/V written in place by index;
  * a pass that only decodes replays a CUDA graph captured for its exact
    number of sequences (1 … --max-seqs, captured before the clock starts);
  * the LM head runs on the positions sampled (the last of a finished
    prompt, every decode token); tokens are argmax, read back each pass.

A sequence's cache slot holds its whole prompt and output, so nothing is
preempted (the trace must fit: prompt + output ≤ --max-len). Times are
wall-clock from the first arrival; a token's time is the end of the pass
that sampled it (after the read-back). Requests arrive by the wall clock.

Writes, per trace, `<stem>-requests.csv` (each request: arrival, queue,
TTFT, TPOT, max gap, end to end) and `<stem>-summary.csv` (measure,value:
the same names as `roofline simulate --format csv`, and the host probe:
host_probe_seconds, the mean of the narrowed model's prefill pass timed
just before and just after the trace, over host_probe_layers layers),
whole.

    python3 tools/measure_serving.py --config workloads/llama-3-8b.yaml \\
        --trace reports/serving/trace-4.csv --max-seqs 64 \\
        --token-budget 2048 --max-len 4096 --output-dir out/

Needs torch with CUDA; CI never runs this.
"""
import argparse
import csv
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_graph import capture  # noqa: E402
from measure_e2e import Reference, Shape, load_config  # noqa: E402


def read_trace(path):
    with open(path) as handle:
        rows = list(csv.DictReader(handle))
    return [(float(r["arrival_seconds"]), int(r["prompt_tokens"]),
             int(r["output_tokens"])) for r in rows]


class Server:
    """The reference model with slot caches and varlen attention."""

    def __init__(self, torch, shape, slots, max_len, budget, device="cuda"):
        self.t = torch
        self.s = shape
        self.device = device
        self.model = Reference(torch, shape, device)
        if shape.experts:
            raise ValueError("dense models only (the MoE path reads back)")
        self.slots = slots
        self.max_len = max_len
        self.budget = budget
        bf = torch.bfloat16
        rows = slots * max_len
        self.k = [torch.zeros(rows, shape.kv_heads, shape.head_dim,
                              device=device, dtype=bf)
                  for _ in range(shape.layers)]
        self.v = [torch.zeros_like(k) for k in self.k]
        cos, sin = self.model.rope_tables(torch.arange(max_len,
                                                       device=device))
        self.cos, self.sin = cos, sin
        self.graphs = {}
        if device == "cuda":
            self.began = torch.cuda.Event(enable_timing=True)
            self.ended = torch.cuda.Event(enable_timing=True)

    def forward(self, ids, positions, rows, cum_q, cum_k, used, max_q,
                sample):
        """One pass over packed tokens; argmax at the `sample` rows."""
        t = self.t
        F = t.nn.functional
        s = self.s
        m = self.model
        n = ids.shape[0]
        d = s.head_dim
        x = F.embedding(ids, m.embed)
        cos = self.cos[positions][:, None]
        sin = self.sin[positions][:, None]
        for layer, kc, vc in zip(m.layers, self.k, self.v):
            y = F.rms_norm(x, (s.hidden,), layer["norm1"], s.eps)
            qkv = F.linear(y, layer["qkv"], layer.get("qkv_bias"))
            qkv = qkv.view(n, s.heads + 2 * s.kv_heads, d)
            q = m.rope(qkv[:, :s.heads], cos, sin)
            k = m.rope(qkv[:, s.heads:s.heads + s.kv_heads], cos, sin)
            v = qkv[:, s.heads + s.kv_heads:]
            kc.index_copy_(0, rows, k)
            vc.index_copy_(0, rows, v)
            o = self.attend(q, kc, vc, cum_q, cum_k, used, max_q)
            x = x + F.linear(o.reshape(n, s.heads * d), layer["o"])
            y = F.rms_norm(x, (s.hidden,), layer["norm2"], s.eps)
            x = x + m.mlp(layer, y)
        x = F.rms_norm(x[sample], (s.hidden,), m.final_norm, s.eps)
        return t.argmax(F.linear(x, m.head), -1)

    def attend(self, q, kc, vc, cum_q, cum_k, used, max_q):
        """Causal attention of each sequence's queries over its slot's
        first `used` keys: one FlashAttention varlen call on a GPU; on a
        CPU (--smoke) a loop of SDPA calls with the same masks."""
        t = self.t
        if self.device == "cuda":
            return t.ops.aten._flash_attention_forward(
                q, kc, vc, cum_q, cum_k, max_q, self.max_len, 0.0, True,
                False, seqused_k=used)[0]
        F = t.nn.functional
        out = t.empty_like(q)
        for i in range(len(used)):
            a, b = int(cum_q[i]), int(cum_q[i + 1])
            k0, n = int(cum_k[i]), int(used[i])
            mask = t.ones(b - a, n, dtype=t.bool).tril(n - (b - a))
            out[a:b] = F.scaled_dot_product_attention(
                q[a:b].transpose(0, 1), kc[k0:k0 + n].transpose(0, 1),
                vc[k0:k0 + n].transpose(0, 1), attn_mask=mask,
                enable_gqa=True).transpose(0, 1)
        return out

    def capture(self, sizes=None):
        """A CUDA graph per decode batch size (all of 1 … slots unless
        `sizes` are given), largest first, one pool."""
        t = self.t
        pool = t.cuda.graph_pool_handle()
        for b in sorted(sizes or range(1, self.slots + 1), reverse=True):
            buf = dict(
                ids=t.zeros(b, dtype=t.int64, device="cuda"),
                positions=t.zeros(b, dtype=t.int64, device="cuda"),
                rows=t.arange(b, dtype=t.int64, device="cuda") * self.max_len,
                cum_q=t.arange(b + 1, dtype=t.int32, device="cuda"),
                cum_k=t.arange(b + 1, dtype=t.int32, device="cuda")
                * self.max_len,
                used=t.ones(b, dtype=t.int32, device="cuda"),
                sample=t.arange(b, dtype=t.int64, device="cuda"))

            def step(buf=buf):
                return self.forward(buf["ids"], buf["positions"],
                                    buf["rows"], buf["cum_q"], buf["cum_k"],
                                    buf["used"], 1, buf["sample"])
            graph, out = capture(t, step, pool)
            self.graphs[b] = (graph, buf, out)
        t.cuda.synchronize()

    def run_pass(self, work):
        """`work`: (slot, token ids list, first position, samples) sorted
        by slot. Returns the sampled token ids, in work order of samplers."""
        t = self.t
        if self.device == "cuda":
            self.began.record()
        if all(len(w[1]) == 1 for w in work) and len(work) in self.graphs:
            graph, buf, out = self.graphs[len(work)]
            slots = [w[0] for w in work]
            pos = [w[2] for w in work]
            host = t.tensor([[w[1][0] for w in work], pos,
                             [s * self.max_len + p for s, p in
                              zip(slots, pos)]], dtype=t.int64)
            buf["ids"].copy_(host[0], non_blocking=True)
            buf["positions"].copy_(host[1], non_blocking=True)
            buf["rows"].copy_(host[2], non_blocking=True)
            buf["cum_k"].copy_(t.tensor(
                [s * self.max_len for s in slots]
                + [(slots[-1] + 1) * self.max_len], dtype=t.int32),
                non_blocking=True)
            buf["used"].copy_(t.tensor([p + 1 for p in pos],
                                       dtype=t.int32), non_blocking=True)
            graph.replay()
            if self.device == "cuda":
                self.ended.record()
            return out.tolist()
        ids, positions, rows, cum_q, sample = [], [], [], [0], []
        cum_k, used = [], []
        max_q = 1
        for slot, tokens, start, samples in work:
            n = len(tokens)
            ids += tokens
            positions += range(start, start + n)
            rows += range(slot * self.max_len + start,
                          slot * self.max_len + start + n)
            cum_q.append(cum_q[-1] + n)
            cum_k.append(slot * self.max_len)
            used.append(start + n)
            max_q = max(max_q, n)
            if samples:
                sample.append(cum_q[-1] - 1)
        cum_k.append((work[-1][0] + 1) * self.max_len)

        def dev(values, dtype):
            return t.tensor(values, dtype=dtype).to(self.device,
                                                    non_blocking=True)
        out = self.forward(dev(ids, t.int64), dev(positions, t.int64),
                           dev(rows, t.int64), dev(cum_q, t.int32),
                           dev(cum_k, t.int32), dev(used, t.int32), max_q,
                           dev(sample, t.int64))
        if self.device == "cuda":
            self.ended.record()
        return out.tolist() if sample else []

    def device_seconds(self):
        """Seconds between the last pass's first and last GPU work (its
        copies, kernels and any wait for the host between them)."""
        if self.device != "cuda":
            return 0.0
        self.ended.synchronize()
        return self.began.elapsed_time(self.ended) * 1e-3


def serve(server, trace):
    """Runs the trace; returns per-request records and the pass count."""
    n = len(trace)
    arrival = [a for a, _, _ in trace]
    prompt = [p for _, p, _ in trace]
    output = [o for _, _, o in trace]
    computed = [0] * n
    generated = [0] * n
    slot_of = [None] * n
    scheduled = [None] * n
    times = [[] for _ in range(n)]
    free_slots = list(range(server.slots - 1, -1, -1))
    running, head, done, passes = [], 0, 0, []
    vocab = server.s.vocab
    t0 = time.perf_counter() - arrival[0]
    while done < n:
        now = time.perf_counter() - t0
        arrived = head
        while arrived < n and arrival[arrived] <= now:
            arrived += 1
        if not running and head == arrived:
            while time.perf_counter() - t0 < arrival[head]:
                pass
            continue
        began = time.perf_counter() - t0
        budget = server.budget
        work = []
        for r in running:
            if budget == 0:
                break
            left = prompt[r] - computed[r]
            step = min(left, budget) if left > 0 else 1
            work.append((r, step))
            budget -= step
        while budget > 0 and len(running) < server.slots and head < arrived:
            r = head
            head += 1
            slot_of[r] = free_slots.pop()
            scheduled[r] = now
            step = min(prompt[r], budget)
            running.append(r)
            work.append((r, step))
            budget -= step
        items = []
        for r, step in sorted(work, key=lambda w: slot_of[w[0]]):
            start = computed[r]
            samples = start + step >= prompt[r]
            tokens = [(r * 7919 + start + i) % vocab for i in range(step)]
            items.append((slot_of[r], tokens, start, samples, r))
        server.run_pass([i[:4] for i in items])
        end = time.perf_counter() - t0
        decodes = sum(1 for i in items if i[2] >= prompt[i[4]])
        passes.append((began, end - began, server.device_seconds(),
                       sum(len(i[1]) for i in items) - decodes, decodes))
        finished = []
        for slot, tokens, start, samples, r in items:
            computed[r] = start + len(tokens)
            if samples:
                generated[r] += 1
                times[r].append(end)
                if generated[r] == output[r]:
                    finished.append(r)
        for r in finished:
            running.remove(r)
            free_slots.append(slot_of[r])
            done += 1
    return [dict(arrival=arrival[r], prompt=prompt[r], output=output[r],
                 scheduled=scheduled[r], times=times[r]) for r in range(n)], \
        passes


def spread(values, weights=None):
    """p50, p90, p99 (nearest rank) and the mean, as roofline's Spread."""
    if not values:
        return 0, 0, 0, 0
    weights = weights or [1] * len(values)
    order = sorted(range(len(values)), key=lambda i: values[i])
    total = sum(weights)

    def rank(q):
        need = max(1, math.ceil(q * total))
        seen = 0
        for i in order:
            seen += weights[i]
            if seen >= need:
                return values[i]
        return values[order[-1]]
    mean = sum(v * w for v, w in zip(values, weights)) / total
    return rank(0.5), rank(0.9), rank(0.99), mean


def write(path, columns, rows):
    temporary = path + ".partial"
    with open(temporary, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    os.replace(temporary, path)


def report(records, passes, stem, extra=()):
    write(stem + "-passes.csv",
          ["start_seconds", "seconds", "device_seconds", "prefill_tokens",
           "decode_sequences"], passes)
    ttft, tpot, e2e, queue, gaps, rows = [], [], [], [], [], []
    for i, r in enumerate(records):
        first, last = r["times"][0], r["times"][-1]
        ttft.append(first - r["arrival"])
        e2e.append(last - r["arrival"])
        queue.append(r["scheduled"] - r["arrival"])
        steps = [b - a for a, b in zip(r["times"], r["times"][1:])]
        gaps += steps
        mean = (last - first) / (r["output"] - 1) if r["output"] > 1 else 0
        if r["output"] > 1:
            tpot.append(mean)
        rows.append([i, 0, r["arrival"], r["prompt"], r["output"],
                     queue[-1], ttft[-1], mean, max(steps or [0]), e2e[-1],
                     0])
    write(stem + "-requests.csv",
          ["request", "replica", "arrival_seconds", "prompt_tokens",
           "output_tokens", "queue_seconds", "ttft_seconds", "tpot_seconds",
           "max_gap_seconds", "end_to_end_seconds", "preemptions"], rows)
    summary = []
    for name, values in [("ttft", ttft), ("time_between_tokens", gaps),
                         ("tpot", tpot), ("end_to_end", e2e),
                         ("queue", queue)]:
        for q, v in zip(["p50", "p90", "p99", "mean"], spread(values)):
            summary.append([f"{name}_{q}_seconds", v])
    start = min(r["arrival"] for r in records)
    span = max(r["times"][-1] for r in records) - start
    summary += [["requests", len(records)],
                ["requests_per_second", len(records) / span],
                ["output_tokens_per_second",
                 sum(r["output"] for r in records) / span],
                ["passes", len(passes)], ["makespan_seconds", span]]
    summary += [list(row) for row in extra]
    write(stem + "-summary.csv", ["measure", "value"], summary)
    return dict(summary)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--trace", action="append", required=True)
    parser.add_argument("--max-seqs", type=int, default=64)
    parser.add_argument("--token-budget", type=int, default=2048)
    parser.add_argument("--max-len", type=int, default=4096)
    parser.add_argument("--output-dir", required=True)
    parser.add_argument("--no-host-probe", action="store_true",
                        help="do not time the narrowed model before and "
                             "after each trace (host_probe_seconds)")
    parser.add_argument("--smoke", action="store_true",
                        help="on the CPU, 2 layers, no graphs: checks the "
                             "code without a GPU (times mean nothing)")
    args = parser.parse_args()
    import torch
    device = "cpu" if args.smoke else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        sys.exit("measure_serving.py: no CUDA device; run it on a GPU machine"
                 " (or --smoke to check the code)")
    torch.manual_seed(0)
    _, fields = load_config(args.config)
    if args.smoke:
        fields.update(num_hidden_layers=2, hidden_size=256,
                      intermediate_size=512, num_attention_heads=4,
                      num_key_value_heads=2, head_dim=64, vocab_size=1000)
    shape = Shape(fields)
    started = time.perf_counter()
    server = Server(torch, shape, args.max_seqs, args.max_len,
                    args.token_budget, device)
    probe = None
    if not args.no_host_probe and not args.smoke:
        # The host's speed around each trace: the model narrowed as
        # tools/measure_host.py narrows it (its prefill pass, PROBE_LAYERS
        # layers), what `roofline simulate --host-probe-seconds` scales
        # the calibrated host issue by.
        from measure_e2e import PROBE_LAYERS, HostProbe
        probe = HostProbe(args, torch, fields, "reference", device)
    with torch.inference_mode():
        if device == "cuda":
            server.capture()
        print(f"captured {len(server.graphs)} decode graphs in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
        # Warm-up: a short trace of its own, not timed.
        serve(server, [(0.0, 300, 8), (0.0, 2000, 4), (0.01, 100, 16)])
        os.makedirs(args.output_dir, exist_ok=True)
        for path in args.trace:
            trace = read_trace(path)
            for _, p, o in trace:
                if p + o > args.max_len:
                    sys.exit(f"{path}: a request of {p} + {o} tokens "
                             f"exceeds --max-len {args.max_len}")
            extra = []
            before = probe.seconds("prefill") if probe else None
            began = time.perf_counter()
            records, passes = serve(server, trace)
            if probe:
                after = probe.seconds("prefill")
                print(f"host probe: {before * 1e3:.2f} ms before, "
                      f"{after * 1e3:.2f} ms after", file=sys.stderr)
                extra = [("host_probe_seconds", (before + after) / 2),
                         ("host_probe_layers", PROBE_LAYERS)]
            stem = os.path.join(args.output_dir, os.path.splitext(
                os.path.basename(path))[0])
            s = report(records, passes, stem, extra)
            print(f"{path}: {len(trace)} requests, {len(passes)} passes, "
                  f"{time.perf_counter() - began:.0f} s; TTFT p50 "
                  f"{s['ttft_p50_seconds'] * 1e3:.1f} ms p99 "
                  f"{s['ttft_p99_seconds'] * 1e3:.1f} ms; TBT p50 "
                  f"{s['time_between_tokens_p50_seconds'] * 1e3:.2f} ms "
                  f"p99 {s['time_between_tokens_p99_seconds'] * 1e3:.2f} ms",
                  file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Times whole-model prefill and decode steps on one GPU, for roofline validate.

From a model's config (a Hugging Face config.json, or a workloads/*.yaml
in the same field names) with random bf16 weights (nothing downloaded),
two engines:

  reference  this project's own PyTorch implementation, written to launch
             the kernels of roofline's `torch` fusion profile: fused QKV
             and gate+up projections, RMSNorm by torch's rms_norm, RoPE as
             rotate-half (neg, cat, two muls, add, per Q and K), the K/V
             cache written in place, SDPA with the flash backend and GQA
             (enable_gqa), silu then mul, residual adds, the final norm on
             every token and the LM head on the last, argmax sampling.
             Mixture-of-experts layers route top-k and run each expert on
             its tokens with torch._grouped_mm when the build has it (one
             grouped GEMM per matrix), else a per-expert loop (the CSV
             says which in `fusion_profile`). Prefill runs eagerly; a
             decode step is captured in a CUDA graph and replayed.
  hf         transformers' own model class (AutoModelForCausalLM.from_config,
             attn_implementation="sdpa"), eager: prefill with
             logits_to_keep=1, decode with a DynamicCache of the context.

Phases: `prefill` is the time to first token of a batch (every prompt
processed, the first token sampled); `decode` is one step of the batch at
a context (the K/V cache holds `context_tokens` tokens and one is added).
Each row also counts the GPU kernels one pass launches (torch.profiler,
once per model, engine, phase and shape family), and for an eager row
times the host's speed around it (host_probe_seconds: a pass of the model
narrowed as tools/measure_host.py narrows it, host_probe_layers layers,
just before and after the row; see HostProbe).

    python3 tools/measure_e2e.py --config workloads/llama-3-8b.yaml \
        --engine reference --engine hf --output e2e.csv

Writes the CSV whole (a temporary file renamed). Needs torch with CUDA
(and transformers for --engine hf); CI never runs this. With --device cpu
and --smoke it runs tiny shapes, for checking the code without a GPU.
"""
import argparse
import csv
import json
import math
import os
import sys
import time

from e2e_graph import graph_replay

COLUMNS = [
    "model", "engine", "fusion_profile", "launch_mode", "phase", "batch",
    "prompt_tokens", "context_tokens", "repetitions", "median_seconds",
    "min_seconds", "kernels", "device", "host_probe_seconds",
    "host_probe_layers",
]
# The host probe: the model narrowed as tools/measure_host.py narrows it,
# with this many layers, timed in the row's phase around each eager row.
PROBE_LAYERS = 8

# (batch, prompt tokens) for prefill and (batch, context tokens) for decode;
# rows whose K/V cache or activations would not fit are skipped.
PREFILL = [(1, 512), (1, 2048), (1, 8192), (1, 32768), (8, 512), (4, 2048),
           (32, 512), (4, 8192)]
DECODE = [(1, 1024), (1, 8192), (1, 32768), (16, 1024), (16, 8192),
          (64, 1024), (64, 4096), (256, 1024)]
SMOKE_PREFILL = [(1, 8), (2, 16)]
SMOKE_DECODE = [(1, 8), (2, 16)]


def load_config(path):
    """The config's fields, from JSON or from a workloads YAML."""
    with open(path) as handle:
        if path.endswith((".yaml", ".yml")):
            import yaml
            fields = yaml.safe_load(handle)
        else:
            fields = json.load(handle)
    # A catalogue workload by its name, any other config by its path: what
    # `roofline --model` takes.
    name = fields.pop("name", None) or path
    fields.pop("source", None)
    return name, fields


class Shape:
    """The sizes the reference implementation needs, from HF field names."""

    def __init__(self, c):
        self.hidden = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads") or self.heads
        self.head_dim = c.get("head_dim") or self.hidden // self.heads
        self.inter = c["intermediate_size"]
        self.layers = c["num_hidden_layers"]
        self.vocab = c["vocab_size"]
        self.eps = c.get("rms_norm_eps", 1e-5)
        self.theta = c.get("rope_theta", 10000.0)
        self.bias = bool(c.get("attention_bias", c.get("model_type") == "qwen2"))
        self.window = c.get("sliding_window") if c.get(
            "use_sliding_window", True) else None
        self.experts = c.get("num_local_experts") or c.get("num_experts") or 0
        self.top_k = c.get("num_experts_per_tok") or 0
        self.expert_inter = c.get("moe_intermediate_size") or self.inter
        self.tied = bool(c.get("tie_word_embeddings", False))

    def kv_bytes_per_token(self):
        return 2 * self.layers * self.kv_heads * self.head_dim * 2

    def weight_bytes(self):
        h, d = self.hidden, self.head_dim
        attn = h * (self.heads + 2 * self.kv_heads) * d + self.heads * d * h
        if self.experts:
            mlp = self.experts * 3 * h * self.expert_inter + h * self.experts
        else:
            mlp = 3 * h * self.inter
        return 2 * (self.layers * (attn + mlp) + self.vocab * h * (
            1 if self.tied else 2))


class Reference:
    """A decoder-only transformer in plain PyTorch ops, random weights."""

    def __init__(self, torch, shape, device):
        self.t = torch
        self.s = s = shape
        self.device = device
        bf = torch.bfloat16

        def w(*size):
            return (torch.randn(*size, device=device, dtype=bf) * 0.02)

        h, d = s.hidden, s.head_dim
        self.embed = w(s.vocab, h)
        self.head = self.embed if s.tied else w(s.vocab, h)
        self.final_norm = torch.ones(h, device=device, dtype=bf)
        self.layers = []
        self.grouped = False
        for _ in range(s.layers):
            layer = dict(
                norm1=torch.ones(h, device=device, dtype=bf),
                norm2=torch.ones(h, device=device, dtype=bf),
                qkv=w((s.heads + 2 * s.kv_heads) * d, h),
                o=w(h, s.heads * d))
            if s.bias:
                layer["qkv_bias"] = w((s.heads + 2 * s.kv_heads) * d)
            if s.experts:
                i = s.expert_inter
                layer["router"] = w(s.experts, h)
                # Stored (E, out, in) like a linear layer's weight; used
                # transposed, (E, in, out), the layout torch._grouped_mm takes.
                layer["gate_up"] = w(s.experts, 2 * i, h).transpose(-2, -1)
                layer["down"] = w(s.experts, h, i).transpose(-2, -1)
            else:
                layer["gate_up"] = w(2 * s.inter, h)
                layer["down"] = w(h, s.inter)
            self.layers.append(layer)
        if s.experts and hasattr(torch, "_grouped_mm") and device == "cuda":
            self.grouped = True
            try:
                with torch.inference_mode():
                    self.experts(self.layers[0], torch.randn(
                        1, 4, h, device=device, dtype=bf))
            except RuntimeError as error:
                print(f"torch._grouped_mm unusable, per-expert loop: {error}"
                      [:200], file=sys.stderr)
                self.grouped = False
        inv = 1.0 / (s.theta ** (torch.arange(0, d, 2, device=device,
                                              dtype=torch.float32) / d))
        self.inv_freq = inv

    def profile(self):
        if not self.s.experts:
            return "torch"
        return "torch-grouped-experts" if self.grouped else "torch-expert-loop"

    def rope_tables(self, positions):
        t = self.t
        freqs = positions.float()[:, None] * self.inv_freq[None, :]
        emb = t.cat((freqs, freqs), -1)
        return emb.cos().to(t.bfloat16), emb.sin().to(t.bfloat16)

    def rope(self, x, cos, sin):
        half = x.shape[-1] // 2
        rotated = self.t.cat((-x[..., half:], x[..., :half]), -1)
        return x * cos + rotated * sin

    def mlp(self, layer, x):
        F = self.t.nn.functional
        if self.s.experts:
            return self.experts(layer, x)
        gate, up = F.linear(x, layer["gate_up"]).chunk(2, -1)
        return F.linear(F.silu(gate) * up, layer["down"])

    def experts(self, layer, x):
        t = self.t
        F = t.nn.functional
        s = self.s
        shape = x.shape
        x = x.reshape(-1, s.hidden)
        probs = F.softmax(F.linear(x, layer["router"]).float(), -1)
        weights, ids = t.topk(probs, s.top_k, -1)
        weights = (weights / weights.sum(-1, keepdim=True)).to(x.dtype)
        flat = ids.reshape(-1)
        order = t.argsort(flat)
        token = order // s.top_k
        rows = x[token]
        i = s.expert_inter
        if self.grouped:
            # Counts by scatter (bincount would read its size back to the
            # host, which a CUDA graph cannot capture).
            counts = t.zeros(s.experts, device=x.device, dtype=t.int64)
            counts.scatter_add_(0, flat, t.ones_like(flat))
            offs = t.cumsum(counts, 0).to(t.int32)
            hidden = t._grouped_mm(rows, layer["gate_up"], offs=offs)
            act = F.silu(hidden[:, :i]) * hidden[:, i:]
            out = t._grouped_mm(act, layer["down"], offs=offs)
        else:
            counts = t.bincount(flat, minlength=s.experts).tolist()
            parts = []
            start = 0
            for e, n in enumerate(counts):
                if n:
                    r = rows[start:start + n]
                    hidden = r @ layer["gate_up"][e]
                    act = F.silu(hidden[:, :i]) * hidden[:, i:]
                    parts.append(act @ layer["down"][e])
                start += n
            out = t.cat(parts)
        out = out * weights.reshape(-1)[order][:, None]
        y = t.zeros_like(x)
        y.index_add_(0, token, out)
        return y.reshape(shape)

    def forward(self, ids, caches, start, cos, sin):
        """One pass over `ids` (b, n) with `start` tokens already cached."""
        t = self.t
        F = t.nn.functional
        s = self.s
        b, n = ids.shape
        d = s.head_dim
        x = F.embedding(ids, self.embed)
        for layer, (kc, vc) in zip(self.layers, caches):
            y = F.rms_norm(x, (s.hidden,), layer["norm1"], s.eps)
            qkv = F.linear(y, layer["qkv"], layer.get("qkv_bias"))
            qkv = qkv.view(b, n, s.heads + 2 * s.kv_heads, d).transpose(1, 2)
            q = self.rope(qkv[:, :s.heads], cos, sin)
            k = self.rope(qkv[:, s.heads:s.heads + s.kv_heads], cos, sin)
            v = qkv[:, s.heads + s.kv_heads:]
            kc[:, :, start:start + n].copy_(k)
            vc[:, :, start:start + n].copy_(v)
            with t.nn.attention.sdpa_kernel(
                    [t.nn.attention.SDPBackend.FLASH_ATTENTION,
                     t.nn.attention.SDPBackend.MATH]):
                o = F.scaled_dot_product_attention(
                    q, kc[:, :, :start + n], vc[:, :, :start + n],
                    is_causal=n > 1, enable_gqa=s.kv_heads != s.heads)
            o = o.transpose(1, 2).reshape(b, n, s.heads * d)
            x = x + F.linear(o, layer["o"])
            y = F.rms_norm(x, (s.hidden,), layer["norm2"], s.eps)
            x = x + self.mlp(layer, y)
        x = F.rms_norm(x, (s.hidden,), self.final_norm, s.eps)
        logits = F.linear(x[:, -1], self.head)
        return t.argmax(logits, -1)

    def caches(self, batch, length):
        t = self.t
        s = self.s
        return [tuple(t.zeros(batch, s.kv_heads, length, s.head_dim,
                              device=self.device, dtype=t.bfloat16)
                      for _ in range(2)) for _ in range(s.layers)]

    def prefill_call(self, batch, prompt):
        t = self.t
        ids = t.randint(0, self.s.vocab, (batch, prompt), device=self.device)
        caches = self.caches(batch, prompt)
        cos, sin = self.rope_tables(t.arange(prompt, device=self.device))
        return lambda: self.forward(ids, caches, 0, cos, sin)

    def decode_call(self, batch, context, graph):
        t = self.t
        ids = t.randint(0, self.s.vocab, (batch, 1), device=self.device)
        caches = self.caches(batch, context + 1)
        cos, sin = self.rope_tables(t.tensor([context], device=self.device))

        def step():
            return self.forward(ids, caches, context, cos, sin)
        if not graph or (self.s.experts and not self.grouped):
            # The per-expert loop reads its counts back: no graph.
            return step
        return graph_replay(t, step)


class HuggingFace:
    """transformers' model class for the config, random weights, eager."""

    def __init__(self, torch, fields, device):
        import transformers
        self.t = torch
        self.device = device
        config = transformers.AutoConfig.for_model(**fields)
        # SDPA attention where the model has attention (an SSM has none).
        attention = {} if config.model_type == "mamba2" else dict(
            attn_implementation="sdpa")
        with torch.device(device):
            self.model = transformers.AutoModelForCausalLM.from_config(
                config, dtype=torch.bfloat16, **attention)
        self.model.eval()
        self.config = config
        self.vocab = config.vocab_size

    def profile(self):
        return "hf"

    def prefill_call(self, batch, prompt):
        t = self.t
        ids = t.randint(0, self.vocab, (batch, prompt), device=self.device)

        def call():
            out = self.model(input_ids=ids, use_cache=True, logits_to_keep=1)
            return t.argmax(out.logits[:, -1], -1)
        return call

    def decode_call(self, batch, context, graph):
        import transformers
        t = self.t
        c = self.config
        if c.model_type == "mamba2":
            return self.recurrent_decode_call(batch, context)
        heads = c.num_attention_heads
        kv = getattr(c, "num_key_value_heads", None) or heads
        d = getattr(c, "head_dim", None) or c.hidden_size // heads
        cache = transformers.DynamicCache(config=c)
        if any(not hasattr(layer, "update") for layer in cache.layers):
            # A hybrid: a short prompt fills every layer's cache (the
            # recurrent layers' conv and SSM states, whose size does not
            # depend on the context), then the attention layers' keys and
            # values are replaced by the context's.
            prompt = t.randint(0, self.vocab, (batch, 16), device=self.device)
            with t.no_grad():
                self.model(input_ids=prompt, past_key_values=cache,
                           cache_position=t.arange(16, device=self.device),
                           use_cache=True)
            for layer in cache.layers:
                if hasattr(layer, "update"):
                    layer.keys = t.zeros(batch, kv, context, d,
                                         device=self.device,
                                         dtype=t.bfloat16)
                    layer.values = t.zeros_like(layer.keys)
        else:
            for layer in range(c.num_hidden_layers):
                k = t.zeros(batch, kv, context, d, device=self.device,
                            dtype=t.bfloat16)
                cache.update(k, t.zeros_like(k), layer)
        # Each step appends to the context's cache as in generation, then
        # the cache goes back to the same contiguous tensors (a crop would
        # leave a strided view for the next step's torch.cat to read).
        kept = [(layer.keys, layer.values) for layer in cache.layers
                if hasattr(layer, "update")]
        ids = t.randint(0, self.vocab, (batch, 1), device=self.device)
        position = t.tensor([context], device=self.device)

        def call():
            out = self.model(input_ids=ids, past_key_values=cache,
                             cache_position=position,
                             position_ids=position.expand(batch, 1),
                             use_cache=True)
            attention = [layer for layer in cache.layers
                         if hasattr(layer, "update")]
            for layer, (keys, values) in zip(attention, kept):
                layer.keys, layer.values = keys, values
            return t.argmax(out.logits[:, -1], -1)
        return call


    def recurrent_decode_call(self, batch, context):
        """An SSM's decode step: a short prompt fills the cache (its state
        does not grow with the context, which is nominal here), then each
        call advances it by one token in place."""
        t = self.t
        prompt = t.randint(0, self.vocab, (batch, 16), device=self.device)
        cache = self.model(input_ids=prompt, use_cache=True,
                           logits_to_keep=1).cache_params
        ids = t.randint(0, self.vocab, (batch, 1), device=self.device)
        position = t.tensor([context], device=self.device)

        def call():
            out = self.model(input_ids=ids, cache_params=cache,
                             cache_position=position, use_cache=True)
            return t.argmax(out.logits[:, -1], -1)
        return call


class HostProbe:
    """The host's speed at a row's moment: the model narrowed until the
    host binds (tools/measure_host.py's narrowing, PROBE_LAYERS layers, a
    64-token prefill or a decode step at a 64-token context), timed just
    before and just after the row. `roofline validate --end-to-end
    --host-speed probe` scales the calibrated host issue by it; the
    lent machine's host speed drifts twofold within minutes."""

    def __init__(self, args, torch, fields, engine, device):
        from measure_host import TOKENS, narrow, runner
        self.torch = torch
        self.device = device
        twin = runner(torch, narrow(fields, PROBE_LAYERS), engine, device)
        self.twin = twin
        self.calls = {}
        with torch.inference_mode():
            self.calls["prefill"] = twin.prefill_call(1, TOKENS)
            if engine == "hf":
                self.calls["decode"] = twin.decode_call(1, TOKENS, False)
            for call in self.calls.values():
                for _ in range(3):
                    call()

    def seconds(self, phase):
        """Median over 3 samples of 5 passes of the twin in `phase`."""
        from measure_host import per_pass
        call = self.calls.get(phase)
        if call is None:
            return None
        return per_pass(self.torch, self.device, call, 5, 3)[0]


def sync(torch, device):
    if device == "cuda":
        torch.cuda.synchronize()


def time_call(torch, device, call, budget, most):
    """Median and min wall seconds of `call` (synchronised), after one
    warm-up, over at least 3 and at most `most` runs or `budget` seconds."""
    call()
    sync(torch, device)
    samples = []
    spent = 0.0
    while len(samples) < 3 or (len(samples) < most and spent < budget):
        sync(torch, device)
        start = time.perf_counter()
        call()
        sync(torch, device)
        samples.append(time.perf_counter() - start)
        spent += samples[-1]
    samples.sort()
    return samples[len(samples) // 2], samples[0], len(samples)


def count_kernels(torch, device, call):
    """GPU kernels (and copies) one call launches."""
    if device != "cuda":
        return ""
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        call()
        torch.cuda.synchronize()
    return sum(1 for e in prof.events()
               if e.device_type == torch.autograd.DeviceType.CUDA)


TRACE_COLUMNS = ["model", "engine", "phase", "batch", "tokens", "index",
                 "kernel", "start_us", "duration_us"]


def trace_kernels(torch, call):
    """(name, start µs, duration µs) of each GPU activity of one call, in
    start order (times relative to the first)."""
    from torch.profiler import ProfilerActivity, profile
    call()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        call()
        torch.cuda.synchronize()
    kernels = sorted(
        (e.time_range.start, e.time_range.end - e.time_range.start, e.name)
        for e in prof.events()
        if e.device_type == torch.autograd.DeviceType.CUDA)
    first = kernels[0][0] if kernels else 0
    return [(name, start - first, duration)
            for start, duration, name in kernels]


def shapes(text):
    """`BxN,BxN`: (batch, tokens) pairs."""
    return [tuple(int(v) for v in item.split("x"))
            for item in text.split(",") if item]


def fits(shape, batch, tokens, free_bytes, phase):
    if not hasattr(shape, "kv_bytes_per_token"):
        # Mamba-2: its state is small; the chunked scan's intermediates
        # (chunk × chunk per head and token) bound the prefill.
        act = batch * tokens * shape.heads * shape.chunk * 4 * 4 \
            if phase == "prefill" else 0
        return act < 0.5 * free_bytes
    kv = shape.kv_bytes_per_token() * batch * (tokens + 1)
    # Activations of a prefill pass: a few hidden-wide and one
    # intermediate-wide tensor per token, and the logits of the last tokens.
    width = max(shape.inter, shape.expert_inter * max(shape.top_k, 1))
    act = batch * tokens * (8 * shape.hidden + 4 * width) * 2 \
        if phase == "prefill" else 0
    return kv + act < 0.8 * free_bytes


def measure(args, torch, name, fields, engine, device, device_name):
    if fields.get("model_type") == "mamba2":
        from e2e_mamba2 import Mamba2Reference, Mamba2Shape
        shape = Mamba2Shape(fields)
        make = Mamba2Reference
    else:
        shape = Shape(fields)
        make = Reference
    if engine == "reference":
        runner = make(torch, shape, device)
    else:
        runner = HuggingFace(torch, fields, device)
    probe = HostProbe(args, torch, fields, engine, device) \
        if args.host_probe else None
    free = (torch.cuda.mem_get_info()[0] if device == "cuda" else 8 << 30)
    prefills = SMOKE_PREFILL if args.smoke else PREFILL
    decodes = SMOKE_DECODE if args.smoke else DECODE
    if args.prefill_shapes is not None:
        prefills = shapes(args.prefill_shapes)
    if args.decode_shapes is not None:
        decodes = shapes(args.decode_shapes)
    counted = {}
    with torch.inference_mode():
        for phase, grid in (("prefill", prefills), ("decode", decodes)):
            graph = phase == "decode" and engine == "reference" \
                and device == "cuda" and (
                    not shape.experts or runner.grouped)
            for batch, tokens in grid:
                if args.max_tokens and batch * tokens > args.max_tokens \
                        and phase == "prefill":
                    continue
                if not fits(shape, batch, tokens, free, phase):
                    print(f"skip {name} {engine} {phase} b={batch} "
                          f"n={tokens}: does not fit", file=sys.stderr)
                    continue
                try:
                    if phase == "prefill":
                        call = runner.prefill_call(batch, tokens)
                    else:
                        call = runner.decode_call(batch, tokens, graph)
                    eager = not graph
                    before = probe.seconds(phase) if probe and eager else None
                    med, mn, reps = time_call(torch, device, call,
                                              args.budget, args.most)
                    after = probe.seconds(phase) if probe and eager else None
                    if args.trace_writer is not None and device == "cuda":
                        for index, (kernel, start, duration) in enumerate(
                                trace_kernels(torch, call)):
                            args.trace_writer.writerow(dict(
                                model=name, engine=engine, phase=phase,
                                batch=batch, tokens=tokens, index=index,
                                kernel=kernel[:120], start_us=f"{start:.3f}",
                                duration_us=f"{duration:.3f}"))
                    key = (phase, batch == 1)
                    if key not in counted:
                        eager = runner.decode_call(batch, tokens, False) \
                            if graph else call
                        counted[key] = count_kernels(torch, device, eager)
                        del eager
                except (RuntimeError, torch.cuda.OutOfMemoryError) as error:
                    print(f"skip {name} {engine} {phase} b={batch} "
                          f"n={tokens}: {error}"[:300], file=sys.stderr)
                    call = None
                    if device == "cuda":
                        torch.cuda.empty_cache()
                    continue
                del call
                if device == "cuda":
                    torch.cuda.empty_cache()
                print(f"{name} {engine} {phase} b={batch} n={tokens}: "
                      f"{med * 1e3:.3f} ms ({reps} runs, "
                      f"{counted[key]} kernels)", file=sys.stderr)
                yield dict(
                    model=name, engine=engine,
                    fusion_profile=runner.profile(),
                    launch_mode="graph" if graph else "eager", phase=phase,
                    batch=batch,
                    prompt_tokens=tokens if phase == "prefill" else "",
                    context_tokens=tokens if phase == "decode" else "",
                    repetitions=reps, median_seconds=f"{med:.9g}",
                    min_seconds=f"{mn:.9g}", kernels=counted[key],
                    device=device_name,
                    host_probe_seconds=f"{(before + after) / 2:.9g}"
                    if before is not None else "",
                    host_probe_layers=PROBE_LAYERS
                    if before is not None else "")
    del runner
    if device == "cuda":
        torch.cuda.empty_cache()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", action="append", required=True,
                        help="config.json or workloads YAML (repeatable)")
    parser.add_argument("--engine", action="append",
                        choices=["reference", "hf"],
                        help="engines to time (default both)")
    parser.add_argument("--output", required=True, help="CSV file to write")
    parser.add_argument("--budget", type=float, default=1.0,
                        help="seconds of timed runs per row, at least")
    parser.add_argument("--most", type=int, default=15,
                        help="most timed runs per row")
    parser.add_argument("--max-tokens", type=int, default=32768,
                        help="largest prefill batch × prompt")
    parser.add_argument("--prefill-shapes",
                        help="BxN,… prefill batches and prompts (default: "
                             "the built-in grid; empty: none)")
    parser.add_argument("--decode-shapes",
                        help="BxL,… decode batches and contexts (default: "
                             "the built-in grid; empty: none)")
    parser.add_argument("--trace",
                        help="also write every GPU kernel of each timed "
                             "pass (name, start, duration) to this CSV")
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--smoke", action="store_true",
                        help="tiny shapes (to check the code on a CPU)")
    parser.add_argument("--no-host-probe", dest="host_probe",
                        action="store_false",
                        help="do not time the narrowed model around each "
                             "eager row (host_probe_seconds)")
    args = parser.parse_args()
    import torch
    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("measure_e2e.py: no CUDA device; run it on a GPU machine "
                 "(or --device cpu --smoke to check the code)")
    torch.manual_seed(0)
    device_name = torch.cuda.get_device_properties(0).name \
        if args.device == "cuda" else "cpu"
    engines = args.engine or ["reference", "hf"]
    args.trace_writer = None
    if args.trace:
        trace_handle = open(args.trace, "w", newline="")
        args.trace_writer = csv.DictWriter(trace_handle,
                                           fieldnames=TRACE_COLUMNS)
        args.trace_writer.writeheader()
    rows = 0
    # Rows go to a temporary file as they are measured (a run stopped
    # part-way leaves them there), renamed to --output when complete.
    temporary = args.output + ".partial"
    with open(temporary, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for path in args.config:
            name, fields = load_config(path)
            for engine in engines:
                started = time.perf_counter()
                try:
                    for measured in measure(args, torch, name, dict(fields),
                                            engine, args.device,
                                            device_name):
                        writer.writerow(measured)
                        handle.flush()
                        rows += 1
                except (ImportError, ValueError, KeyError) as error:
                    print(f"skip {name} {engine}: {error}"[:300],
                          file=sys.stderr)
                print(f"{name} {engine}: "
                      f"{time.perf_counter() - started:.0f} s",
                      file=sys.stderr)
    os.replace(temporary, args.output)
    if args.trace:
        trace_handle.close()
    print(f"wrote {rows} rows to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

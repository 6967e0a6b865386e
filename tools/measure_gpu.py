#!/usr/bin/env python3
"""Times GPU kernels of real model shapes and writes roofline's measured CSV.

What it measures, on one CUDA GPU, in bf16:
  gemm               y = x·Wᵀ for the projections of Llama-3-8B and -70B
                     (fused QKV, output, fused gate+up, down) at 1 to 8192
                     tokens; and Mixtral-8x7B's experts through
                     torch._grouped_mm (backend `grouped`, `groups` the
                     experts touched) at 1 to 4096 tokens;
  flash-attention    torch's scaled_dot_product_attention prefill with the
                     flash, cuDNN and memory-efficient backends (32 heads,
                     d = 64 and 128, causal and not) up to N = 131072 (flash and cuDNN);
  standard-attention the same through the math backend (S and P
                     materialised), up to N = 8192;
  decode-attention   one query token per sequence against a long KV cache,
                     grouped-query (32 query heads over 8 KV heads), through
                     SDPA with enable_gqa (flash and cuDNN backends; cuDNN is
                     what transformers' SDPA path gets on an H200) and
                     through plain matmuls on the grouped layout;
  elementwise        streaming kernels: a copy (one tensor read, one
                     written; the HBM bandwidth check), a sum (one read),
                     an add (two read, one written), from 4 KiB to 2 GiB
                     per tensor: the short ones show a kernel's fixed cost;
                     and the short kernels an eager decoder launches (norm,
                     strided RoPE operand, cache append);
  ssm                the elementwise kernels of a Mamba-2 layer in plain
                     PyTorch, on the state (b, 48, 64, 128) of mamba2-780m:
                     a big tensor times a broadcast small one, an outer
                     product written from two small ones, a sum over the
                     last dimension and over a middle one; in bf16 (the
                     reference's decode step) and fp32 (transformers'
                     torch_forward, which runs the scan in fp32); and the
                     reference's prefill kernels of the chunked scan that
                     no other class times (a transposing copy, the
                     depthwise conv1d, repeat_interleave, masked_fill and
                     cumsum on the fp32 decays: group ssm-prefill).

How it times, in samples of --sample-seconds (1 ms by default), per
--launch-mode (both by default; the CSV's launch_mode column says
which): `graph`: `inner` back-to-back calls (at most 200, so a sample
lasts about --sample-seconds) captured in a CUDA graph, replayed
between CUDA events, divided by inner, so launch costs stay out, as in a
serving engine's captured decode step; `eager`: the same `inner` calls
issued from Python between the events, so each pays what an eager
PyTorch program pays (Python, dispatch and launch), hidden only where
the GPU is slower. Warm-up first; the median and min of the samples.
Inputs rotate among enough copies that the working set exceeds twice the
L2, so no sample measures a warm cache.

The CSV follows `roofline validate --measured` (see README, "Measured-kernel
CSV"): one row per kernel and shape, times in seconds.

    python3 tools/measure_gpu.py --output reports/h100-measured.csv

Needs torch with CUDA; CI never runs this.
"""
import argparse
import csv
import math
import os
import sys

COLUMNS = [
    "kernel", "backend", "dtype", "batch", "heads", "kv_heads",
    "query_length", "key_length", "head_dim", "causal", "m", "n", "k",
    "groups", "elements", "reads", "writes", "launch_mode", "repetitions",
    "median_seconds", "min_seconds", "device",
]

# (model, projection, in_features k, out_features n), from the models'
# config.json: Llama-3-8B hidden 4096, 32 heads, 8 KV heads, d 128, MLP
# 14336; Llama-3-70B hidden 8192, 64 heads, 8 KV heads, MLP 28672.
PROJECTIONS = [
    ("llama-3-8b", "qkv", 4096, 4096 + 2 * 8 * 128),
    ("llama-3-8b", "o", 4096, 4096),
    ("llama-3-8b", "gate_up", 4096, 2 * 14336),
    ("llama-3-8b", "down", 14336, 4096),
    ("llama-3-70b", "qkv", 8192, 8192 + 2 * 8 * 128),
    ("llama-3-70b", "o", 8192, 8192),
    ("llama-3-70b", "gate_up", 8192, 2 * 28672),
    ("llama-3-70b", "down", 28672, 8192),
]
TOKENS = [1, 16, 64, 256, 1024, 4096, 8192]


def copies_for(bytes_per_set, l2_bytes):
    return max(1, min(16, math.ceil(2 * l2_bytes / max(bytes_per_set, 1))))


def capture(torch, fn, sets, calls):
    """A CUDA graph of `calls` back-to-back calls, rotating among `sets`."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for i in range(2):
            fn(*sets[i % len(sets)])
    torch.cuda.current_stream().wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        for i in range(calls):
            fn(*sets[i % len(sets)])
    return graph


def replay_seconds(torch, graph):
    start, end = torch.cuda.Event(True), torch.cuda.Event(True)
    start.record()
    graph.replay()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / 1e3


def eager_seconds(torch, fn, sets, calls):
    start, end = torch.cuda.Event(True), torch.cuda.Event(True)
    torch.cuda.synchronize()
    start.record()
    for i in range(calls):
        fn(*sets[i % len(sets)])
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / 1e3


# Seconds one timed sample lasts (--sample-seconds): long samples hold the
# clocks where a sustained run settles, as a model's prefill does.
SAMPLE_SECONDS = [1e-3]


def time_cuda(torch, fn, sets, repetitions, warmup=3, mode="graph"):
    """Median and min seconds of one call, rotating among `sets` inputs.

    `graph`: the calls are captured in a CUDA graph and timed by replaying
    it, so Python's and the driver's launch costs stay out of the numbers
    (a serving engine captures its decode step the same way). `eager`:
    the calls are issued from Python, back to back, between the events.
    """
    if mode == "eager":
        for i in range(warmup):
            fn(*sets[i % len(sets)])
        once = max(min(eager_seconds(torch, fn, sets, 1) for _ in range(3)),
                   1e-6)
        inner = max(1, min(200, int(SAMPLE_SECONDS[0] / once)))
        eager_seconds(torch, fn, sets, inner)
        samples = sorted(eager_seconds(torch, fn, sets, inner) / inner
                         for _ in range(repetitions))
        return samples[len(samples) // 2], samples[0]
    for i in range(warmup):
        fn(*sets[i % len(sets)])
    torch.cuda.synchronize()
    single = capture(torch, fn, sets, 1)
    replay_seconds(torch, single)
    once = max(min(replay_seconds(torch, single) for _ in range(3)), 1e-6)
    del single
    inner = max(1, min(200, int(SAMPLE_SECONDS[0] / once)))
    graph = capture(torch, fn, sets, inner)
    replay_seconds(torch, graph)
    samples = sorted(replay_seconds(torch, graph) / inner
                     for _ in range(repetitions))
    del graph
    return samples[len(samples) // 2], samples[0]


def row(kernel, backend, median, minimum, repetitions, device, mode,
        dtype="bf16", **shape):
    out = {c: "" for c in COLUMNS}
    out.update(kernel=kernel, backend=backend, dtype=dtype, launch_mode=mode,
               repetitions=repetitions, median_seconds=f"{median:.9g}",
               min_seconds=f"{minimum:.9g}", device=device)
    for key, value in shape.items():
        out[key] = str(value).lower() if isinstance(value, bool) else value
    return out


def gemms(torch, args, l2, device, mode):
    for model, proj, k, n in PROJECTIONS:
        for m in TOKENS:
            per_set = 2 * (m * k + n * k + m * n)
            sets = [(torch.randn(m, k, device="cuda", dtype=torch.bfloat16),
                     torch.randn(n, k, device="cuda", dtype=torch.bfloat16))
                    for _ in range(copies_for(per_set, l2))]
            med, mn = time_cuda(
                torch, lambda x, w: torch.nn.functional.linear(x, w), sets,
                args.repetitions, mode=mode)
            print(f"gemm {model} {proj} m={m} {mode}: {med * 1e6:.1f} us",
                  file=sys.stderr)
            yield row("gemm", "cublas", med, mn, args.repetitions, device,
                      mode, m=m, n=n, k=k)
            del sets


def grouped(torch, args, l2, device, mode):
    """Mixture-of-experts GEMMs through torch._grouped_mm, as the
    reference and transformers run Mixtral-8x7B's experts (8 experts,
    hidden 4096, intermediate 14336, top-2): T tokens' 2T copies dealt
    round-robin to the experts, so min(8, 2T) experts are touched; the
    CSV's `groups` column says how many, `m` the copies."""
    if not hasattr(torch, "_grouped_mm"):
        return
    experts, top = 8, 2
    for k, n in ((4096, 2 * 14336), (14336, 4096)):
        weights = [torch.randn(experts, n, k, device="cuda",
                               dtype=torch.bfloat16).transpose(-2, -1)
                   for _ in range(2)]
        for tokens in (1, 4, 16, 64, 256, 1024, 4096):
            m = tokens * top
            counts = [m // experts + (1 if e < m % experts else 0)
                      for e in range(experts)]
            offs = torch.tensor(counts, device="cuda").cumsum(0).to(
                torch.int32)
            sets = [(torch.randn(m, k, device="cuda", dtype=torch.bfloat16),
                     w) for w in weights]

            def call(x, w):
                return torch._grouped_mm(x, w, offs=offs)
            med, mn = time_cuda(torch, call, sets, args.repetitions,
                                mode=mode)
            touched = sum(1 for c in counts if c)
            print(f"grouped gemm m={m} n={n} k={k} {mode}: "
                  f"{med * 1e6:.1f} us", file=sys.stderr)
            yield row("gemm", "grouped", med, mn, args.repetitions, device,
                      mode, m=m, n=n, k=k, groups=touched)
            del sets
        del weights
        torch.cuda.empty_cache()


def prefill(torch, args, l2, device, mode):
    from torch.nn.attention import SDPBackend, sdpa_kernel
    backends = [("flash", SDPBackend.FLASH_ATTENTION, 131072),
                ("cudnn", SDPBackend.CUDNN_ATTENTION, 131072),
                ("efficient", SDPBackend.EFFICIENT_ATTENTION, 16384),
                ("math", SDPBackend.MATH, 8192)]
    heads = 32
    for d in (64, 128):
        for causal in (False, True):
            for n in (512, 1024, 2048, 4096, 8192, 16384, 32768, 65536,
                      131072):
                per_set = 4 * heads * n * d * 2
                sets = None
                for name, backend, limit in backends:
                    if n > limit:
                        continue
                    if sets is None:
                        sets = [tuple(torch.randn(
                            1, heads, n, d, device="cuda",
                            dtype=torch.bfloat16) for _ in range(3))
                            for _ in range(copies_for(per_set, l2))]

                    def call(q, k, v, backend=backend):
                        with sdpa_kernel([backend]):
                            return torch.nn.functional \
                                .scaled_dot_product_attention(
                                    q, k, v, is_causal=causal)
                    try:
                        med, mn = time_cuda(torch, call, sets,
                                            args.repetitions, mode=mode)
                    except RuntimeError as error:
                        print(f"skip {name} n={n} d={d}: {error}"[:200],
                              file=sys.stderr)
                        continue
                    kernel = ("standard-attention" if name == "math"
                              else "flash-attention")
                    print(f"{kernel} {name} n={n} d={d} causal={causal}: "
                          f"{med * 1e3:.3f} ms", file=sys.stderr)
                    yield row(kernel, name, med, mn, args.repetitions, device,
                              mode,
                              batch=1, heads=heads, kv_heads=heads,
                              query_length=n, key_length=n, head_dim=d,
                              causal=causal)
                del sets
                torch.cuda.empty_cache()


def decode(torch, args, l2, device, mode):
    from torch.nn.attention import SDPBackend, sdpa_kernel
    heads, kv_heads, d = 32, 8, 128
    group = heads // kv_heads
    for batch in (1, 8, 32, 128):
        for length in (1024, 4096, 16384, 65536, 131072):
            if batch * length > 32 * 16384:
                continue
            per_set = 2 * batch * kv_heads * length * d * 2
            sets = [(torch.randn(batch, heads, 1, d, device="cuda",
                                 dtype=torch.bfloat16),
                     torch.randn(batch, kv_heads, length, d, device="cuda",
                                 dtype=torch.bfloat16),
                     torch.randn(batch, kv_heads, length, d, device="cuda",
                                 dtype=torch.bfloat16))
                    for _ in range(copies_for(per_set, l2))]

            def sdpa(q, k, v):
                with sdpa_kernel([SDPBackend.FLASH_ATTENTION]):
                    return torch.nn.functional.scaled_dot_product_attention(
                        q, k, v, enable_gqa=True)

            def grouped(q, k, v):
                # Queries of one KV head side by side: each K and V read once.
                qg = q.view(batch, kv_heads, group, d)
                s = torch.matmul(qg, k.transpose(-1, -2)) / math.sqrt(d)
                return torch.matmul(torch.softmax(s.float(), -1).to(q.dtype), v)

            def cudnn(q, k, v):
                with sdpa_kernel([SDPBackend.CUDNN_ATTENTION]):
                    return torch.nn.functional.scaled_dot_product_attention(
                        q, k, v, enable_gqa=True)

            for name, fn in (("flash", sdpa), ("cudnn", cudnn),
                             ("matmul", grouped)):
                try:
                    med, mn = time_cuda(torch, fn, sets, args.repetitions,
                                        mode=mode)
                except (RuntimeError, TypeError) as error:
                    print(f"skip decode {name}: {error}"[:200], file=sys.stderr)
                    continue
                print(f"decode {name} b={batch} L={length}: "
                      f"{med * 1e6:.1f} us", file=sys.stderr)
                yield row("decode-attention", name, med, mn, args.repetitions,
                          device, mode, batch=batch, heads=heads, kv_heads=kv_heads,
                          query_length=1, key_length=length, head_dim=d,
                          causal=False)
            del sets
            torch.cuda.empty_cache()


def elementwise(torch, args, l2, device, mode):
    """Copy, sum and add over 4 KiB to 2 GiB per tensor (bf16)."""
    kernels = [("copy", 1, 1, lambda x, y: y.copy_(x)),
               ("read", 1, 0, lambda x, y: x.sum()),
               ("add", 2, 1, lambda x, y: torch.add(x, y, out=x))]
    for power in range(11, 31, 2):
        elements = 2 ** power
        per_set = 2 * 2 * elements
        sets = [(torch.randn(elements, device="cuda", dtype=torch.bfloat16),
                 torch.randn(elements, device="cuda", dtype=torch.bfloat16))
                for _ in range(copies_for(per_set, l2))]
        for name, reads, writes, fn in kernels:
            med, mn = time_cuda(torch, fn, sets, args.repetitions, mode=mode)
            rate = 2 * elements * (reads + writes) / med / 1e9
            print(f"elementwise {name} {2 * elements} B {mode}: "
                  f"{med * 1e6:.2f} us, {rate:.0f} GB/s", file=sys.stderr)
            yield row("elementwise", name, med, mn, args.repetitions, device,
                      mode, elements=elements, reads=reads, writes=writes)
        del sets
        torch.cuda.empty_cache()
    yield from engine_kernels(torch, args, l2, device, mode)


def engine_kernels(torch, args, l2, device, mode):
    """The short kernels an eager PyTorch decoder launches, at the widths
    of Llama-3-8B (hidden 4096, 32 query and 8 KV heads of 128), over
    tokens (rows) from 1 to 32768:

      rms_norm  torch's rms_norm over rows of 4096 (one read, one write);
      strided   x·cos on Q seen through the fused QKV output's transposed
                view (b, 32, n, 128), cos per token: what RoPE's and the
                cache write's kernels do (one read, one write);
      cat       the K cache (b, 8, L, 128) extended by one token along the
                sequence, as transformers' DynamicCache does (one read of
                the cache, one write), b·L from 1 to 32768 tokens.
    """
    F = torch.nn.functional
    bf = torch.bfloat16
    for power in range(0, 16, 2):
        rows = 2 ** power
        hidden = rows * 4096
        sets = [(torch.randn(rows, 4096, device="cuda", dtype=bf),
                 torch.ones(4096, device="cuda", dtype=bf))
                for _ in range(copies_for(4 * hidden, l2))]
        med, mn = time_cuda(
            torch, lambda x, w: F.rms_norm(x, (4096,), w, 1e-5), sets,
            args.repetitions, mode=mode)
        yield row("elementwise", "rms_norm", med, mn, args.repetitions,
                  device, mode, elements=hidden, reads=1, writes=1)
        del sets
        qkv = 48 * 128
        sets = [(torch.randn(1, rows, qkv, device="cuda", dtype=bf),
                 torch.randn(rows, 128, device="cuda", dtype=bf))
                for _ in range(copies_for(2 * rows * qkv, l2))]

        def rope_mul(x, cos):
            q = x.view(1, rows, 48, 128).transpose(1, 2)[:, :32]
            return q * cos
        med, mn = time_cuda(torch, rope_mul, sets, args.repetitions,
                            mode=mode)
        yield row("elementwise", "strided", med, mn, args.repetitions,
                  device, mode, elements=rows * 32 * 128, reads=1, writes=1)
        del sets
        sets = [(torch.randn(1, 8, rows, 128, device="cuda", dtype=bf),
                 torch.randn(1, 8, 1, 128, device="cuda", dtype=bf))
                for _ in range(copies_for(4 * rows * 1024, l2))]
        med, mn = time_cuda(torch, lambda k, new: torch.cat((k, new), -2),
                            sets, args.repetitions, mode=mode)
        print(f"engine kernels at {rows} rows {mode}: cat "
              f"{med * 1e6:.2f} us", file=sys.stderr)
        yield row("elementwise", "cat", med, mn, args.repetitions,
                  device, mode, elements=rows * 8 * 128, reads=1, writes=1)
        del sets
        torch.cuda.empty_cache()


def ssm(torch, args, l2, device, mode):
    """A Mamba-2 layer's streaming kernels on its state (b, H, P, N) =
    (b, 48, 64, 128), b from 1 to 512 (393K to 201M elements), per dtype:

      broadcast  s · da[:, :, None, None]: one read, one write (the state
                 decayed; torch's non-vectorised broadcasting kernel);
      outer      x[..., None] · B[:, :, None, :]: one written from two
                 small operands (the state's increment, dB·x);
      reduce     s.sum(-1): one read (the readout, C's contraction);
      reduce-mid s.sum(1): one read, summed over a middle dimension (the
                 chunked scan's sums over positions).

    Backends are named with the dtype's width for fp32 (`broadcast32`),
    so a bf16 kernel and an fp32 one are separate calibration classes.
    """
    h, p, n = 48, 64, 128
    for dtype, suffix, label in ((torch.bfloat16, "", "bf16"),
                                 (torch.float32, "32", "fp32")):
        size = 2 if dtype == torch.bfloat16 else 4
        for power in range(0, 10):
            b = 2 ** power
            elements = b * h * p * n
            if elements * size > 2 ** 31:
                break
            sets = [(torch.randn(b, h, p, n, device="cuda", dtype=dtype),
                     torch.randn(b, h, device="cuda", dtype=dtype),
                     torch.randn(b, h, p, device="cuda", dtype=dtype),
                     torch.randn(b, h, n, device="cuda", dtype=dtype))
                    for _ in range(copies_for(2 * size * elements, l2))]
            kernels = [
                ("broadcast", 1, 1,
                 lambda s, da, x, bb: s * da[:, :, None, None]),
                ("outer", 0, 1,
                 lambda s, da, x, bb: x[..., None] * bb[:, :, None, :]),
                ("reduce", 1, 0, lambda s, da, x, bb: s.sum(-1)),
                ("reduce-mid", 1, 0, lambda s, da, x, bb: s.sum(1)),
            ]
            for name, reads, writes, fn in kernels:
                med, mn = time_cuda(torch, fn, sets, args.repetitions,
                                    mode=mode)
                rate = size * elements * (reads + writes) / med / 1e9
                print(f"ssm {name}{suffix} b={b} {mode}: "
                      f"{med * 1e6:.2f} us, {rate:.0f} GB/s", file=sys.stderr)
                yield row("elementwise", name + suffix, med, mn,
                          args.repetitions, device, mode, dtype=label,
                          elements=elements, reads=reads, writes=writes)
            del sets
            torch.cuda.empty_cache()


def ssm_prefill(torch, args, l2, device, mode):
    """The reference's chunked-scan (SSD) prefill kernels that no other
    class times, at mamba2-780m's widths over T = 256 to 32768 tokens:

      transpose   the conv input (T, 3328) made contiguous as (3328, T);
      conv1d      torch's depthwise conv1d (3328 channels, width 4) on
                  that contiguous input;
      repeat      B, a (T, 1, 128) slice of the conv output's (T, 3328)
                  rows, repeated to 48 heads (one written), as the
                  reference's repeat_interleave reads it;
      masked32    masked_fill_ in place on the fp32 (48, T/256, 256, 256)
                  decays with a broadcast (256, 256) mask (one read, one
                  written; out of place, torch clones first: a copy);
      cumsum32    their cumsum over the second-to-last dimension.
    """
    F = torch.nn.functional
    bf = torch.bfloat16
    channels, heads, state, chunk = 3328, 48, 128, 256
    for power in range(8, 16):
        tokens = 2 ** power
        sets = [(torch.randn(1, tokens, channels, device="cuda", dtype=bf),
                 torch.randn(channels, 1, 4, device="cuda", dtype=bf))
                for _ in range(copies_for(4 * tokens * channels, l2))]
        cases = [
            ("transpose", 1, 1, tokens * channels,
             lambda x, w: x.transpose(1, 2).contiguous()),
            ("conv1d", 1, 1, tokens * channels,
             lambda x, w: F.conv1d(x.view(1, channels, tokens), w,
                                   padding=3, groups=channels)),
        ]
        for name, reads, writes, elements, fn in cases:
            med, mn = time_cuda(torch, fn, sets, args.repetitions, mode=mode)
            print(f"ssm {name} T={tokens} {mode}: {med * 1e6:.2f} us",
                  file=sys.stderr)
            yield row("elementwise", name, med, mn, args.repetitions, device,
                      mode, elements=elements, reads=reads, writes=writes)
        del sets
        sets = [(torch.randn(1, tokens, channels, device="cuda", dtype=bf),)
                for _ in range(copies_for(2 * tokens * heads * state, l2))]

        def repeat(rows):
            b = rows[..., -2 * state:-state].reshape(1, tokens, 1, state)
            return b.repeat_interleave(heads, dim=-2)
        med, mn = time_cuda(torch, repeat, sets, args.repetitions, mode=mode)
        print(f"ssm repeat T={tokens} {mode}: {med * 1e6:.2f} us",
              file=sys.stderr)
        yield row("elementwise", "repeat", med, mn, args.repetitions, device,
                  mode, elements=tokens * heads * state, reads=0, writes=1)
        del sets
        chunks = tokens // chunk
        scores = heads * chunks * chunk * chunk
        if scores * 4 > 2 ** 31:
            torch.cuda.empty_cache()
            continue
        drop = ~torch.tril(torch.ones(chunk, chunk, device="cuda",
                                      dtype=torch.bool))
        sets = [(torch.randn(1, heads, chunks, chunk, chunk, device="cuda",
                             dtype=torch.float32),)
                for _ in range(copies_for(8 * scores, l2))]
        for name, fn in (
                ("masked32", lambda x: x.masked_fill_(drop, 0)),
                ("cumsum32", lambda x: torch.cumsum(x, -2))):
            med, mn = time_cuda(torch, fn, sets, args.repetitions, mode=mode)
            print(f"ssm {name} T={tokens} {mode}: {med * 1e6:.2f} us",
                  file=sys.stderr)
            yield row("elementwise", name, med, mn, args.repetitions, device,
                      mode, dtype="fp32", elements=scores, reads=1, writes=1)
        del sets
        torch.cuda.empty_cache()


def ssm_layout(torch, args, l2, device, mode):
    """repeat_interleave of B as the reference reads it: its conv output
    comes back from the depthwise conv as (1, 3328, T) and is used through
    a transposed view, so B's (T, 128) slice is column-major (element (t,
    j) at j·T + t) when it is repeated to 48 heads (`repeat-t`); the
    `repeat` class of ssm_prefill times it from row-major rows."""
    bf = torch.bfloat16
    channels, heads, state = 3328, 48, 128
    for power in range(8, 16):
        tokens = 2 ** power
        sets = [(torch.randn(1, channels, tokens, device="cuda",
                             dtype=bf).transpose(1, 2),)
                for _ in range(copies_for(2 * tokens * heads * state, l2))]

        def repeat(rows):
            b = rows[..., -2 * state:-state].reshape(1, tokens, 1, state)
            return b.repeat_interleave(heads, dim=-2)
        med, mn = time_cuda(torch, repeat, sets, args.repetitions, mode=mode)
        print(f"ssm repeat-t T={tokens} {mode}: {med * 1e6:.2f} us",
              file=sys.stderr)
        yield row("elementwise", "repeat-t", med, mn, args.repetitions,
                  device, mode, elements=tokens * heads * state, reads=0,
                  writes=1)
        del sets
        torch.cuda.empty_cache()


def ssm_hf(torch, args, l2, device, mode):
    """transformers' fp32 Mamba-2 fallback (torch_forward, no mamba_ssm):
    its broadcast products and their sums at mamba2-780m's widths (48
    heads, head dim 64, state 128, chunks of 256) for T = 512 to 2048
    tokens (c = T/256 chunks), each pattern as the model writes it:

      outer-cb32   C[:, :, :, None] · B[:, :, None]: (c, l, s, h, n)
      reduce-cb32  its sum over n
      outer-mx32   M[..., None] · x[:, :, None]: (c, l, s, h, p)
      outer-mx32-t, outer-bx32-t  the same with x as the model holds it,
                   the transposed view of the conv output (positions
                   innermost)
      outer-bx32   B_decay[..., None, :] · x[..., None]: (c, l, h, p, n)
      outer-cs32   C[..., None, :] · states[:, :, None]: (c, l, h, p, n)
      reduce-cs32  its sum over n
    """
    f32 = torch.float32
    h, p, n, l = 48, 64, 128, 256
    for c in (2, 4, 8):
        def make():
            return (torch.randn(1, c, l, h, n, device="cuda", dtype=f32),
                    torch.randn(1, c, l, h, n, device="cuda", dtype=f32),
                    torch.randn(1, c, l, l, h, device="cuda", dtype=f32),
                    torch.randn(1, c, l, h, p, device="cuda", dtype=f32),
                    torch.randn(1, c, h, p, n, device="cuda", dtype=f32))
        sets = [make()]
        cb = c * l * l * h * n
        mx = c * l * l * h * p
        hs = c * l * h * p * n
        g = torch.randn(1, c, l, l, h, n, device="cuda", dtype=f32)
        # x as the model holds it: the conv output read through its
        # transposed view, so positions are the innermost stride.
        x_t = torch.randn(1, h * p, c * l, device="cuda",
                          dtype=f32).transpose(1, 2).reshape(1, c, l, h, p)
        t = torch.randn(1, c, l, h, p, n, device="cuda", dtype=f32)
        kernels = [
            ("outer-cb32", 0, 1, cb,
             lambda C, B, M, x, st: C[:, :, :, None] * B[:, :, None]),
            ("reduce-cb32", 1, 0, cb,
             lambda C, B, M, x, st: g.sum(dim=-1)),
            ("outer-mx32", 0, 1, mx,
             lambda C, B, M, x, st: M[..., None] * x[:, :, None]),
            ("outer-mx32-t", 0, 1, mx,
             lambda C, B, M, x, st: M[..., None] * x_t[:, :, None]),
            ("outer-bx32-t", 0, 1, hs,
             lambda C, B, M, x, st: B[..., None, :] * x_t[..., None]),
            ("outer-bx32", 0, 1, hs,
             lambda C, B, M, x, st: B[..., None, :] * x[..., None]),
            ("outer-cs32", 0, 1, hs,
             lambda C, B, M, x, st: C[..., None, :] * st[:, :, None]),
            ("reduce-cs32", 1, 0, hs,
             lambda C, B, M, x, st: t.sum(-1)),
        ]
        for name, reads, writes, elements, fn in kernels:
            med, mn = time_cuda(torch, fn, sets, args.repetitions, mode=mode)
            rate = 4 * elements * (reads + writes) / med / 1e9
            print(f"ssm {name} T={c * l} {mode}: {med * 1e6:.1f} us, "
                  f"{rate:.0f} GB/s", file=sys.stderr)
            yield row("elementwise", name, med, mn, args.repetitions,
                      device, mode, dtype="fp32", elements=elements,
                      reads=reads, writes=writes)
        del sets, g, t, x_t
        torch.cuda.empty_cache()


# Which groups are timed in each launch mode: prefill attention kernels
# run for milliseconds, so launching them eagerly changes nothing.
MODES = {"gemm": ("graph", "eager"), "grouped": ("graph", "eager"),
         "prefill": ("graph",),
         "decode": ("graph", "eager"), "elementwise": ("graph", "eager"),
         "ssm": ("graph", "eager"), "ssm-prefill": ("graph", "eager"),
         "ssm-layout": ("graph", "eager"), "ssm-hf": ("graph", "eager")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", required=True, help="CSV file to write")
    parser.add_argument("--repetitions", type=int, default=15)
    parser.add_argument("--only",
                        choices=["gemm", "grouped", "prefill", "decode",
                                 "elementwise", "ssm", "ssm-prefill",
                                 "ssm-layout", "ssm-hf"],
                        action="append", help="measure only these groups")
    parser.add_argument("--launch-mode", choices=["graph", "eager"],
                        action="append",
                        help="time in these launch modes (default: both "
                             "where they differ, see MODES)")
    parser.add_argument("--sample-seconds", type=float, default=1e-3,
                        help="length of one timed sample (up to 200 calls); "
                             "longer samples time clocks a sustained run "
                             "settles at")
    args = parser.parse_args()
    SAMPLE_SECONDS[0] = args.sample_seconds
    import torch
    if not torch.cuda.is_available():
        sys.exit("measure_gpu.py: no CUDA device; run it on a GPU machine")
    props = torch.cuda.get_device_properties(0)
    device = props.name
    l2 = getattr(props, "L2_cache_size", 50 * 2**20)
    torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction = True
    print(f"device {device}, torch {torch.__version__}, "
          f"L2 {l2} bytes", file=sys.stderr)
    groups = args.only or ["gemm", "grouped", "prefill", "decode",
                           "elementwise", "ssm", "ssm-prefill", "ssm-layout",
                           "ssm-hf"]
    rows = 0
    # Rows go to a temporary file as they are measured (a run stopped
    # part-way leaves them there), renamed to --output when complete.
    temporary = args.output + ".partial"
    with open(temporary, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for name, fn in (("elementwise", elementwise), ("ssm", ssm),
                         ("ssm-prefill", ssm_prefill),
                         ("ssm-layout", ssm_layout), ("ssm-hf", ssm_hf),
                         ("gemm", gemms),
                         ("grouped", grouped), ("prefill", prefill),
                         ("decode", decode)):
            if name not in groups:
                continue
            for mode in MODES[name]:
                if args.launch_mode and mode not in args.launch_mode:
                    continue
                for measured in fn(torch, args, l2, device, mode):
                    writer.writerow(measured)
                    handle.flush()
                    rows += 1
    os.replace(temporary, args.output)
    print(f"wrote {rows} rows to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

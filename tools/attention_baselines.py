#!/usr/bin/env python3
"""Times CPU attention baselines for `reports/scripts/host-kernels.sh`.

PyTorch's `scaled_dot_product_attention` and a numpy blocked (flash-style)
attention, float32, with the thread count fixed before the libraries load.
FLOPs are counted as `roofline bench` counts them: 4·d per visible
query-key pair. Prints CSV: kernel,n,d,causal,threads,median_seconds,
min_seconds,gflops_per_second.

Needs torch and numpy (a virtual environment for benchmarks only; CI never
runs this).
"""
import argparse
import os
import sys
import time


def visible_pairs(n, causal):
    return n * (n + 1) / 2 if causal else n * n


def timed(fn, warmup, repetitions):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return samples[len(samples) // 2], samples[0]


def numpy_blocked(np, q, k, v, causal, block=128):
    """Flash-style: row blocks of Q, online softmax over key blocks."""
    n, d = q.shape
    scale = 1.0 / np.sqrt(d)
    out = np.empty_like(q)
    for r0 in range(0, n, block):
        qb = q[r0:r0 + block] * scale
        rows = qb.shape[0]
        m = np.full((rows, 1), -np.inf, dtype=np.float32)
        l = np.zeros((rows, 1), dtype=np.float32)
        acc = np.zeros((rows, d), dtype=np.float32)
        end = min(n, r0 + rows) if causal else n
        for c0 in range(0, end, block):
            s = qb @ k[c0:c0 + block].T
            if causal and c0 + s.shape[1] - 1 > r0:
                i = np.arange(r0, r0 + rows)[:, None]
                j = np.arange(c0, c0 + s.shape[1])[None, :]
                s = np.where(j <= i, s, -np.inf)
            m_new = np.maximum(m, s.max(axis=1, keepdims=True))
            p = np.exp(s - m_new)
            alpha = np.exp(m - m_new)
            l = alpha * l + p.sum(axis=1, keepdims=True)
            acc = alpha * acc + p @ v[c0:c0 + block]
            m = m_new
        out[r0:r0 + rows] = acc / l
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, nargs="+", default=[2048, 4096, 8192])
    parser.add_argument("--d", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(args.threads)
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    print("kernel,n,d,causal,threads,median_seconds,min_seconds,gflops_per_second")
    rng = np.random.default_rng(42)
    for n in args.n:
        for d in args.d:
            q, k, v = (rng.uniform(-1, 1, (n, d)).astype(np.float32) for _ in range(3))
            tq, tk, tv = (torch.from_numpy(x).view(1, 1, n, d) for x in (q, k, v))
            for causal in (False, True):
                flops = 4 * d * visible_pairs(n, causal)
                with torch.inference_mode():
                    med, best = timed(
                        lambda: torch.nn.functional.scaled_dot_product_attention(
                            tq, tk, tv, is_causal=causal),
                        args.warmup, args.repetitions)
                print(f"torch_sdpa,{n},{d},{str(causal).lower()},{args.threads},"
                      f"{med:.6f},{best:.6f},{flops / med / 1e9:.2f}")
                med, best = timed(lambda: numpy_blocked(np, q, k, v, causal),
                                  args.warmup, args.repetitions)
                print(f"numpy_blocked,{n},{d},{str(causal).lower()},{args.threads},"
                      f"{med:.6f},{best:.6f},{flops / med / 1e9:.2f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()

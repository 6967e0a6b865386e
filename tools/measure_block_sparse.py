#!/usr/bin/env python3
"""Times block-sparse causal attention on a GPU for issue 20's validation.

PyTorch's FlexAttention (torch.compile'd Triton kernels) runs one layer of
Llama-3-8B's prefill attention (32 query heads, 8 KV heads, d = 128, bf16,
batch 1, causal) over a block mask of the Λ shape roofline models: each
128-query row block visits its sink block (keys 0–127) and the blocks
nearest the diagonal, s = min(b, max(2, ⌈ρ·b⌉)) of the b blocks it sees
(KernelExecutor's InstrumentedBlockSparseAttention.visitedBlocks; the
diagonal block masked, the others whole). Densities 1 to 0.05 at each
context; dense SDPA (FlashAttention-2 backend) beside them for reference.
Each timing is the median of --repetitions CUDA-event timings after two
warm-up calls (the first compiles). Prints CSV:

    kernel,context_tokens,density,visited_pair_fraction,heads,kv_heads,
    head_dim,block_tokens,median_seconds,min_seconds

visited_pair_fraction: the query–key pairs the mask computes over the
causal triangle's, counted here. With --check, compares each mask's
output against SDPA with the same mask materialised (small contexts only).

Runs on the lent GPU machines (torch 2.11, Triton); CI never runs it.
"""
import argparse
import math
import sys


def visited_blocks(b, density):
    """The key blocks a row block that sees b blocks visits."""
    if b <= 0:
        return []
    s = min(b, max(2, math.ceil(density * b)))
    if s < 2:
        return [b - 1]
    return [0] + list(range(b - s + 1, b))


def block_tables(torch, blocks, density, device):
    """FlexAttention's partial (diagonal) and full block tables."""
    partial_n = torch.zeros((1, 1, blocks), dtype=torch.int32)
    partial_i = torch.zeros((1, 1, blocks, blocks), dtype=torch.int32)
    full_n = torch.zeros((1, 1, blocks), dtype=torch.int32)
    full_i = torch.zeros((1, 1, blocks, blocks), dtype=torch.int32)
    for i in range(blocks):
        visits = visited_blocks(i + 1, density)
        whole = [j for j in visits if j != i]
        partial_n[0, 0, i] = 1
        partial_i[0, 0, i, 0] = i
        full_n[0, 0, i] = len(whole)
        for slot, j in enumerate(whole):
            full_i[0, 0, i, slot] = j
    return [t.to(device) for t in (partial_n, partial_i, full_n, full_i)]


def visited_pairs(n, block, density):
    blocks = n // block
    pairs = 0
    for i in range(blocks):
        for j in visited_blocks(i + 1, density):
            pairs += block * (block + 1) // 2 if j == i else block * block
    return pairs / (n * (n + 1) / 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contexts", type=int, nargs="+",
                        default=[8192, 32768, 131072])
    parser.add_argument("--densities", type=float, nargs="+",
                        default=[1.0, 0.5, 0.2, 0.1, 0.05])
    parser.add_argument("--heads", type=int, default=32)
    parser.add_argument("--kv-heads", type=int, default=8)
    parser.add_argument("--head-dim", type=int, default=128)
    parser.add_argument("--block", type=int, default=128)
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()

    import torch
    import torch.nn.functional as F
    from torch.nn.attention.flex_attention import BlockMask, flex_attention

    device = args.device
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    flex = torch.compile(flex_attention, dynamic=False)

    def causal(b, h, q_idx, kv_idx):
        return q_idx >= kv_idx

    def timed(fn):
        for _ in range(2):
            fn()
        samples = []
        for _ in range(args.repetitions):
            if device == "cuda":
                start = torch.cuda.Event(enable_timing=True)
                end = torch.cuda.Event(enable_timing=True)
                start.record()
                fn()
                end.record()
                torch.cuda.synchronize()
                samples.append(start.elapsed_time(end) / 1000)
            else:
                import time
                t = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - t)
        samples.sort()
        return samples[len(samples) // 2], samples[0]

    print("kernel,context_tokens,density,visited_pair_fraction,heads,kv_heads,"
          "head_dim,block_tokens,median_seconds,min_seconds")
    for n in args.contexts:
        if n % args.block:
            sys.exit(f"--contexts {n}: not a multiple of --block {args.block}")
        shape = (1, args.heads, n, args.head_dim)
        kv_shape = (1, args.kv_heads, n, args.head_dim)
        q = torch.randn(shape, device=device, dtype=dtype)
        k = torch.randn(kv_shape, device=device, dtype=dtype)
        v = torch.randn(kv_shape, device=device, dtype=dtype)
        common = f"{args.heads},{args.kv_heads},{args.head_dim},{args.block}"
        with torch.inference_mode():
            med, best = timed(lambda: F.scaled_dot_product_attention(
                q, k, v, is_causal=True, enable_gqa=True))
            print(f"sdpa_dense,{n},1.0,1.0,{common},{med:.6g},{best:.6g}")
            for rho in args.densities:
                tables = block_tables(torch, n // args.block, rho, device)
                mask = BlockMask.from_kv_blocks(
                    tables[0], tables[1], tables[2], tables[3],
                    BLOCK_SIZE=args.block, mask_mod=causal)
                run = lambda: flex(q, k, v, block_mask=mask, enable_gqa=True)
                med, best = timed(run)
                fraction = visited_pairs(n, args.block, rho)
                print(f"flex_block_sparse,{n},{rho},{fraction:.6f},{common},"
                      f"{med:.6g},{best:.6g}")
                sys.stdout.flush()
                if args.check:
                    dense = torch.zeros((n, n), dtype=torch.bool)
                    for i in range(n // args.block):
                        for j in visited_blocks(i + 1, rho):
                            dense[i * args.block:(i + 1) * args.block,
                                  j * args.block:(j + 1) * args.block] = True
                    dense &= torch.ones((n, n), dtype=torch.bool).tril()
                    want = F.scaled_dot_product_attention(
                        q, k, v, attn_mask=dense.to(device), enable_gqa=True)
                    error = (run() - want).abs().max().item()
                    print(f"# check {n} {rho}: max |error| {error:.3g}",
                          file=sys.stderr)
                    if error > (2e-2 if dtype == torch.bfloat16 else 1e-4):
                        sys.exit(f"mask check failed at {n}, {rho}")


if __name__ == "__main__":
    main()

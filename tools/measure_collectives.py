#!/usr/bin/env python3
"""Times collectives and a tensor-parallel layer; writes roofline's collectives CSV.

One process per GPU (torch.distributed, NCCL), on 2, 4 and 8 GPUs of one
node (each world size a separate group of processes):

  all-reduce, all-gather, reduce-scatter, all-to-all
                 bf16 buffers of 1 KiB to 4 GiB (x4 steps), sizes counted as
                 nccl-tests counts them (all-gather: the gathered output;
                 reduce-scatter: the scattered input; all-to-all: one rank's
                 buffer);
  send-recv      one message from rank 0 to rank 1 (others idle), same sizes;
  tp-layer       a Megatron-style layer per rank: column-parallel QKV and
                 gate/up GEMMs, row-parallel output and down GEMMs, each
                 row-parallel output all-reduced; Llama-3-70B widths, prefill
                 (4096 tokens) and decode (1-64 tokens), TP = 1, 2, 4, 8.

How it times: after warm-up, each repetition is a barrier, then CUDA events
around one call on every rank; a repetition's time is the slowest rank's
(all-reduced with MAX). Median and min over repetitions.

NVLink multicast (NVLS) stays off: NCCL_NVLS_ENABLE=0,
TORCH_SYMM_MEM_DISABLE_MULTICAST=1 and NVSHMEM_DISABLE_NVLS=1 are set here
and inherited by every process started.

    python3 tools/measure_collectives.py --output reports/collectives/h200x8.csv
    python3 tools/measure_collectives.py --backend gloo --world-sizes 2,4 \\
        --max-bytes 1048576 --output /tmp/gloo.csv        # CPU, no GPU

Needs torch; CI never runs this. The gloo mode (CPU, fp32 buffers, wall
clock instead of CUDA events) checks the harness on any machine.
"""
import argparse
import csv
import os
import socket
import sys

MULTICAST_OFF = {
    "NCCL_NVLS_ENABLE": "0",
    "TORCH_SYMM_MEM_DISABLE_MULTICAST": "1",
    "NVSHMEM_DISABLE_NVLS": "1",
}
os.environ.update(MULTICAST_OFF)

COLUMNS = [
    "kernel", "backend", "gemm_backend", "dtype", "device", "bytes", "ranks",
    "phase", "tokens", "hidden", "ffn", "heads", "kv_heads", "head_dim",
    "repetitions", "median_seconds", "min_seconds",
]
COLLECTIVES = ["all-reduce", "all-gather", "reduce-scatter", "all-to-all", "send-recv"]
# Llama-3-70B (config.json): hidden 8192, MLP 28672, 64 heads, 8 KV heads, d 128.
LAYER = dict(hidden=8192, ffn=28672, heads=64, kv_heads=8, head_dim=128)
LAYER_TOKENS = [("prefill", 4096), ("decode", 1), ("decode", 16), ("decode", 64)]


def sizes(minimum, maximum):
    size, out = minimum, []
    while size <= maximum:
        out.append(size)
        size *= 4
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Timer:
    """Times one call on every rank; the slowest rank's seconds."""

    def __init__(self, torch, dist, cuda):
        self.torch, self.dist, self.cuda = torch, dist, cuda

    def measure(self, fn, warmup, repetitions):
        torch, dist = self.torch, self.dist
        for _ in range(warmup):
            fn()
        if self.cuda:
            torch.cuda.synchronize()
        samples = []
        for _ in range(repetitions):
            dist.barrier()
            if self.cuda:
                start = torch.cuda.Event(enable_timing=True)
                end = torch.cuda.Event(enable_timing=True)
                start.record()
                fn()
                end.record()
                end.synchronize()
                seconds = start.elapsed_time(end) / 1e3
            else:
                import time
                t0 = time.perf_counter()
                fn()
                seconds = time.perf_counter() - t0
            samples.append(seconds)
        # The slowest rank bounds each repetition.
        t = torch.tensor(samples, dtype=torch.float64,
                         device="cuda" if self.cuda else "cpu")
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        values = sorted(t.tolist())
        return values[len(values) // 2], values[0]


def collective_call(torch, dist, kind, nbytes, world, rank, dtype, device):
    elem = torch.tensor([], dtype=dtype).element_size()
    count = max(nbytes // elem, world)
    count -= count % world
    if kind == "all-reduce":
        x = torch.ones(count, dtype=dtype, device=device)
        return lambda: dist.all_reduce(x), count * elem
    if kind == "all-gather":
        shard = torch.ones(count // world, dtype=dtype, device=device)
        out = torch.empty(count, dtype=dtype, device=device)
        return lambda: dist.all_gather_into_tensor(out, shard), count * elem
    if kind == "reduce-scatter":
        x = torch.ones(count, dtype=dtype, device=device)
        out = torch.empty(count // world, dtype=dtype, device=device)
        return lambda: dist.reduce_scatter_tensor(out, x), count * elem
    if kind == "all-to-all":
        x = torch.ones(count, dtype=dtype, device=device)
        out = torch.empty(count, dtype=dtype, device=device)
        return lambda: dist.all_to_all_single(out, x), count * elem
    x = torch.ones(count, dtype=dtype, device=device)

    def send_recv():
        if rank == 0:
            dist.send(x, dst=1)
        elif rank == 1:
            dist.recv(x, src=0)
    return send_recv, count * elem


def layer_call(torch, dist, tokens, world, dtype, device, widths):
    h, f = widths["hidden"], widths["ffn"]
    qkv = (widths["heads"] + 2 * widths["kv_heads"]) * widths["head_dim"] // world
    attn = widths["heads"] * widths["head_dim"] // world
    g = torch.Generator(device="cpu").manual_seed(0)

    def weight(n, k):
        return (torch.randn(n, k, generator=g) * 0.02).to(device=device, dtype=dtype)
    w_qkv, w_o = weight(qkv, h), weight(h, attn)
    w_up, w_down = weight(2 * f // world, h), weight(h, f // world)
    x = torch.randn(tokens, h, generator=g).to(device=device, dtype=dtype)

    def layer():
        q = x @ w_qkv.t()
        y = q[:, :attn] @ w_o.t()
        if world > 1:
            dist.all_reduce(y)
        u = y @ w_up.t()
        z = u[:, : f // world] @ w_down.t()
        if world > 1:
            dist.all_reduce(z)
    return layer


def worker(rank, world, port, args, queue):
    import torch
    import torch.distributed as dist
    cuda = args.backend == "nccl"
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    if cuda:
        torch.cuda.set_device(rank)
    extra = {"device_id": torch.device("cuda", rank)} if cuda else {}
    dist.init_process_group(args.backend, rank=rank, world_size=world, **extra)
    device = torch.device("cuda", rank) if cuda else torch.device("cpu")
    dtype = torch.bfloat16 if cuda else torch.float32
    dname = torch.cuda.get_device_name(rank) if cuda else "cpu"
    timer = Timer(torch, dist, cuda)
    rows = []
    dtype_name = "bf16" if cuda else "fp32"
    for kind in COLLECTIVES if world > 1 else []:
        for nbytes in sizes(args.min_bytes, args.max_bytes):
            fn, actual = collective_call(torch, dist, kind, nbytes, world, rank, dtype, device)
            median, minimum = timer.measure(fn, args.warmup, args.repetitions)
            del fn
            rows.append(dict(kernel=kind, backend=args.backend, dtype=dtype_name,
                             device=dname, bytes=actual, ranks=world,
                             repetitions=args.repetitions,
                             median_seconds=median, min_seconds=minimum))
            if cuda:
                torch.cuda.empty_cache()
    if args.layer:
        widths = dict(zip(LAYER, (int(v) for v in args.layer_widths.split(","))))
        for phase, tokens in [(p, int(t)) for p, t in
                              (item.split(":") for item in args.layer_tokens.split(","))]:
            fn = layer_call(torch, dist, tokens, world, dtype, device, widths)
            median, minimum = timer.measure(fn, args.warmup, args.repetitions)
            del fn
            rows.append(dict(kernel="tp-layer", backend=args.backend,
                             gemm_backend="cublas" if cuda else "cpu",
                             dtype=dtype_name, device=dname, ranks=world,
                             phase=phase, tokens=tokens, **widths,
                             repetitions=args.repetitions,
                             median_seconds=median, min_seconds=minimum))
    if rank == 0:
        queue.put(rows)
    dist.barrier()
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["nccl", "gloo"], default="nccl")
    parser.add_argument("--world-sizes", default=None,
                        help="comma-separated (default: 2, 4, 8 up to the GPUs present; gloo 2,4)")
    parser.add_argument("--min-bytes", type=int, default=1024)
    parser.add_argument("--max-bytes", type=int, default=4 << 30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument("--no-layer", dest="layer", action="store_false",
                        help="skip the tensor-parallel layer")
    parser.add_argument("--layer-widths",
                        default=",".join(str(v) for v in LAYER.values()),
                        help="hidden,ffn,heads,kv_heads,head_dim (default Llama-3-70B)")
    parser.add_argument("--layer-tokens",
                        default=",".join(f"{p}:{t}" for p, t in LAYER_TOKENS),
                        help="phase:tokens pairs (default prefill:4096,decode:1,16,64)")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    import torch
    import torch.multiprocessing as mp
    if args.backend == "nccl":
        gpus = torch.cuda.device_count()
        if gpus < 1:
            sys.exit("no CUDA GPU: use --backend gloo to check the harness on CPU")
        default = [w for w in (1, 2, 4, 8) if w <= gpus]
    else:
        default = [2, 4]
    worlds = [int(w) for w in args.world_sizes.split(",")] if args.world_sizes else default
    rows = []
    ctx = mp.get_context("spawn")
    for world in worlds:
        queue = ctx.SimpleQueue()
        mp.start_processes(worker, args=(world, free_port(), args, queue),
                           nprocs=world, join=True, start_method="spawn")
        rows += queue.get()
        print(f"{world} ranks: {len(rows)} rows so far", file=sys.stderr)
    tmp = args.output + ".partial"
    with open(tmp, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, args.output)


if __name__ == "__main__":
    main()

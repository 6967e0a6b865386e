"""CUDA-graph capture shared by tools/measure_e2e.py's engines and the
serving and speculative harnesses."""


def capture(torch, step, pool=None):
    """`step` captured in a CUDA graph (after two warm-up runs on a side
    stream, as capture requires), in memory `pool` if given; returns the
    graph and the output tensor its replays refill."""
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(2):
            step()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph, pool=pool):
        out = step()
    return graph, out


def graph_replay(torch, step):
    """`step` captured in a CUDA graph; returns the graph's replay."""
    return capture(torch, step)[0].replay

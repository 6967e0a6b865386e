"""CUDA-graph capture shared by tools/measure_e2e.py's engines."""


def graph_replay(torch, step):
    """`step` captured in a CUDA graph (after two warm-up runs on a side
    stream, as capture requires); returns the graph's replay."""
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(2):
            step()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        step()
    return graph.replay

/// The reference's Mamba-2 layer (`tools/e2e_mamba2.py`): its kernels
/// between the projections, as ``EngineProfile/torch`` lists them.
extension EngineProfile {
  /// The reference's Mamba-2 layer (`tools/e2e_mamba2.py`), counted by
  /// torch.profiler on mamba2-780m: 32 kernels a layer in a decode step
  /// (26 here, with the norm, the two projections, the gated norm and
  /// the residual add), 81 in a prefill pass of the chunked (SSD) scan
  /// (83 here: its memsets and split-K reductions not counted).
  static let torchSSMDecode = [
    ShortKernel(
      "conv window (cat, copy)", launches: 2, width: .ssmConvWindow,
      reads: 2, writes: 2, backend: "strided"),
    ShortKernel(
      "conv (mul, sum, bias, silu)", launches: 4, width: .ssmConvWindow,
      reads: 2, writes: 1, backend: "strided"),
    ShortKernel(
      "dt (bias, cast, softplus, ·A, exp, cast)", launches: 6, width: .ssmHeads,
      reads: 6, writes: 6),
    ShortKernel(
      "B, C per head", launches: 2, width: .ssmHeadStates, reads: 1,
      writes: 2, backend: "strided"),
    ShortKernel(
      "x·dt (cast, mul)", launches: 2, width: .ssmInner, reads: 2,
      writes: 2, backend: "strided"),
    // The state's kernels, each timed on the state's shape by
    // `tools/measure_gpu.py --only ssm`: torch's broadcasting kernels run
    // at an element rate, not at the HBM's bandwidth.
    ShortKernel(
      "state increment (dB·x outer)", launches: 1, width: .ssmState,
      reads: 0, writes: 1, backend: "outer"),
    ShortKernel(
      "state ·dA", launches: 1, width: .ssmState, reads: 1, writes: 1,
      backend: "broadcast"),
    ShortKernel(
      "state + dB·x", launches: 1, width: .ssmState, reads: 2, writes: 1,
      backend: "add"),
    ShortKernel(
      "state copy back", launches: 1, width: .ssmState, reads: 1, writes: 1,
      backend: "copy"),
    ShortKernel(
      "readout ·C", launches: 1, width: .ssmState, reads: 1, writes: 1,
      backend: "broadcast"),
    ShortKernel(
      "readout sum", launches: 1, width: .ssmState, reads: 1, writes: 0,
      backend: "reduce"),
    ShortKernel(
      "D·x, add", launches: 2, width: .ssmInner, reads: 3, writes: 2,
      backend: "add"),
    ShortKernel(
      "gate (silu, mul)", launches: 2, width: .ssmInner, reads: 3,
      writes: 2, backend: "add"),
    ShortKernel(
      "gated norm", launches: 1, width: .ssmInner, reads: 1, writes: 1,
      backend: "rms_norm"),
  ]
  /// The prefill's kernels, each group priced by its pattern's class.
  ///
  /// Each class is timed alone by `tools/measure_gpu.py --only ssm --only
  /// ssm-prefill`; the groups are counted from torch.profiler traces of
  /// mamba2-780m at 8192 tokens (`reports/e2e/h200-e2e-ssm-trace-2.csv`). The decays are
  /// fp32 (b, h, c, chunk, chunk) tensors, T·h·chunk elements: one fp32
  /// tensor counts as two of the activation type.
  static let torchSSMPrefill = [
    ShortKernel(
      "conv layout (transposing copy)", launches: 1, width: .ssmChannels,
      reads: 1, writes: 1, backend: "transpose"),
    ShortKernel(
      "depthwise conv", launches: 1, width: .ssmChannels, reads: 1,
      writes: 1, backend: "conv1d"),
    ShortKernel(
      "conv silu", launches: 1, width: .ssmChannels, reads: 1, writes: 1,
      backend: "strided"),
    ShortKernel(
      "conv state, setup (bytes negligible)", launches: 3,
      width: .ssmChannels, reads: 0, writes: 0),
    ShortKernel(
      "dt (bias, cast, softplus, a·dt, casts)", launches: 7,
      width: .ssmHeads, reads: 2, writes: 2),
    ShortKernel(
      "x·dt", launches: 1, width: .ssmInner, reads: 1, writes: 1,
      backend: "broadcast"),
    // B and C are read through the transposed view of the conv output
    // (column-major): repeat_interleave from it runs at half the rate of
    // row-major rows (`repeat-t`, measure_gpu.py --only ssm-layout).
    ShortKernel(
      "B, C per head (repeat_interleave)", launches: 2,
      width: .ssmHeadStates, reads: 0, writes: 2, backend: "repeat-t"),
    ShortKernel(
      "decays: segment-sum expand (fp32)", launches: 1, width: .ssdScores,
      reads: 0, writes: 2, backend: "outer32"),
    ShortKernel(
      "decays: masks (fp32)", launches: 2, width: .ssdScores, reads: 4,
      writes: 4, backend: "masked32"),
    ShortKernel(
      "decays: cumsum (fp32)", launches: 1, width: .ssdScores, reads: 2,
      writes: 2, backend: "cumsum32"),
    ShortKernel(
      "decays: copy, exp (fp32)", launches: 2, width: .ssdScores, reads: 4,
      writes: 4),
    ShortKernel(
      "scores × decays (fp32)", launches: 1, width: .ssdScores, reads: 3,
      writes: 2, backend: "broadcast32"),
    ShortKernel(
      "scores to bf16", launches: 1, width: .ssdScores, reads: 2, writes: 1),
    ShortKernel(
      "masks, sums across chunks (bytes negligible)", launches: 22,
      width: .ssdScores, reads: 0, writes: 0),
    ShortKernel(
      "einsum operand layouts (B, C)", launches: 4, width: .ssmHeadStates,
      reads: 4, writes: 4, backend: "strided"),
    ShortKernel(
      "einsum operand layout (scores)", launches: 1, width: .ssdScores,
      reads: 1, writes: 1, backend: "strided"),
    ShortKernel(
      "einsum operand layouts (x, y, states)", launches: 11,
      width: .ssmInner, reads: 3, writes: 3, backend: "strided"),
    {
      var k = ShortKernel(
        "chunk matmuls (einsums)", launches: 6, width: .ssdOperands, reads: 1,
        writes: 0, backend: "cublas")
      k.flopsPerElement = 1
      k.flopsWidth = .ssdFLOPs
      return k
    }(),
    ShortKernel(
      "readout: decay of y_off, D·x", launches: 2, width: .ssmInner,
      reads: 2, writes: 2, backend: "broadcast"),
    ShortKernel(
      "readout: y_diag + y_off, + D·x (strided adds)", launches: 2,
      width: .ssmInner, reads: 4, writes: 2, backend: "strided"),
    ShortKernel(
      "gate (silu on a strided view, mul)", launches: 2, width: .ssmInner,
      reads: 3, writes: 2, backend: "strided"),
    ShortKernel(
      "gated norm", launches: 1, width: .ssmInner, reads: 1, writes: 1,
      backend: "rms_norm"),
  ]
  static let torchSSMPost = [
    ShortKernel(
      "residual add", launches: 1, width: .hidden, reads: 2, writes: 1,
      backend: "add")
  ]
}

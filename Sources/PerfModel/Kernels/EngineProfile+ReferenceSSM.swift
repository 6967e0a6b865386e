/// The reference's Mamba-2 layer (`tools/e2e_mamba2.py`): its kernels
/// between the projections, as ``EngineProfile/torch`` lists them.
extension EngineProfile {
  /// The reference's Mamba-2 layer (`tools/e2e_mamba2.py`), counted by
  /// torch.profiler on mamba2-780m: 32 kernels a layer in a decode step
  /// (26 here, with the norm, the two projections, the gated norm and
  /// the residual add), 81 in a prefill pass of the chunked (SSD) scan.
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
  static let torchSSMPrefill = [
    ShortKernel(
      "conv (layout, depthwise conv, silu, state)", launches: 6,
      width: .ssmChannels, reads: 5, writes: 5, backend: "strided"),
    ShortKernel(
      "dt (bias, cast, softplus, x·dt, a·dt)", launches: 8,
      width: .ssmInner, reads: 3, writes: 3, backend: "strided"),
    ShortKernel(
      "B, C per head", launches: 2, width: .ssmHeadStates, reads: 1,
      writes: 2, backend: "strided"),
    // Two segment sums (cumsum, masks, fills) and the decays' exps, on
    // fp32 chunk × chunk rows: 4 bytes counted as two tensors of 2.
    ShortKernel(
      "segment sums and decays", launches: 30, width: .ssdScores,
      reads: 12, writes: 12, backend: "strided"),
    ShortKernel(
      "einsum operand layouts", launches: 16, width: .ssmInner, reads: 4,
      writes: 4, backend: "strided"),
    {
      var k = ShortKernel(
        "chunk matmuls (einsums)", launches: 6, width: .ssdFLOPs, reads: 0,
        writes: 0, backend: "cublas")
      k.flopsPerElement = 1
      return k
    }(),
    ShortKernel(
      "readout (D·x, add, gate silu, mul)", launches: 5, width: .ssmInner,
      reads: 3, writes: 2, backend: "add"),
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

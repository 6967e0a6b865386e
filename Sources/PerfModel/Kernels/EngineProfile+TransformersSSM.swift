/// transformers' Mamba-2 layer as it runs without the `mamba_ssm` and
/// `causal_conv1d` packages (transformers 5.17, torch 2.11, on the lent
/// H200): the reference PyTorch fallbacks, which keep the state and the
/// chunked scan in fp32 and materialise every broadcast product before
/// summing it. Counted kernel by kernel from torch.profiler traces of
/// mamba2-780m (`reports/e2e/h200-e2e-ssm-trace-2.csv`): 90 kernels a
/// layer between the projections in a prefill pass, 35 in a decode step.
///
/// An fp32 tensor is counted as two tensors of the activation type (bf16).
/// Each broadcast product and each sum is priced by the calibration class
/// of its pattern (`outer32`, `reduce32`, `reduce-mid32`, `broadcast32`),
/// timed alone by `tools/measure_gpu.py --only ssm`; those kernels run at
/// an element rate, far below the HBM's bandwidth.
extension EngineProfile {
  static let hfSSMDecode = [
    ShortKernel(
      "A = −exp(A_log) (bytes negligible)", launches: 3, width: .ssmHeads,
      reads: 0, writes: 0),
    ShortKernel(
      "conv window (cat, copy)", launches: 2, width: .ssmConvWindow,
      reads: 2, writes: 2, backend: "strided"),
    ShortKernel(
      "conv (depthwise conv, silu, bias)", launches: 3,
      width: .ssmConvWindow, reads: 2, writes: 1, backend: "strided"),
    ShortKernel(
      "dt per channel (softplus, cast)", launches: 2, width: .ssmInner,
      reads: 2, writes: 3),
    ShortKernel(
      "dt·A (fp32 outer)", launches: 1, width: .ssmState, reads: 0,
      writes: 2, backend: "outer32"),
    ShortKernel(
      "exp (fp32)", launches: 1, width: .ssmState, reads: 2, writes: 2),
    ShortKernel(
      "B per head", launches: 1, width: .ssmHeadStates, reads: 1, writes: 1,
      backend: "strided"),
    ShortKernel(
      "dB (dt·B outer)", launches: 1, width: .ssmState, reads: 0, writes: 1,
      backend: "outer"),
    ShortKernel(
      "dB·x", launches: 1, width: .ssmState, reads: 1, writes: 1,
      backend: "broadcast"),
    ShortKernel(
      "state·dA (fp32)", launches: 1, width: .ssmState, reads: 4, writes: 2,
      backend: "add"),
    ShortKernel(
      "state + dB·x (fp32)", launches: 1, width: .ssmState, reads: 3,
      writes: 2, backend: "add"),
    ShortKernel(
      "state into the cache (fp32)", launches: 1, width: .ssmState,
      reads: 2, writes: 2),
    ShortKernel(
      "C per head", launches: 1, width: .ssmHeadStates, reads: 1, writes: 1,
      backend: "strided"),
    ShortKernel(
      "state to bf16", launches: 1, width: .ssmState, reads: 2, writes: 1),
    ShortKernel(
      "readout (memset, batched matrix-vector)", launches: 2,
      width: .ssmState, reads: 1, writes: 0, backend: "read"),
    ShortKernel(
      "D·x, add, copy", launches: 3, width: .ssmInner, reads: 4, writes: 3,
      backend: "add"),
    ShortKernel(
      "gated norm (fp32, with the gate's silu and mul)", launches: 10,
      width: .ssmInner, reads: 10, writes: 9),
  ]

  static let hfSSMPrefill = [
    ShortKernel(
      "A = −exp(A_log) (bytes negligible)", launches: 4, width: .ssmHeads,
      reads: 0, writes: 0),
    ShortKernel(
      "conv (layout, depthwise conv, silu, bias)", launches: 5,
      width: .ssmChannels, reads: 4, writes: 4, backend: "strided"),
    ShortKernel(
      "dt (softplus, clamp)", launches: 2, width: .ssmHeads, reads: 2,
      writes: 2),
    ShortKernel(
      "x to fp32", launches: 1, width: .ssmInner, reads: 1, writes: 2),
    ShortKernel(
      "B, C to fp32 per head", launches: 5, width: .ssmHeadStates, reads: 1,
      writes: 4, backend: "strided"),
    ShortKernel(
      "D residual, x·dt, A·dt (fp32)", launches: 5, width: .ssmInner,
      reads: 6, writes: 6, backend: "broadcast32"),
    ShortKernel(
      "chunk layouts (fp32)", launches: 5, width: .ssmHeadStates, reads: 5,
      writes: 5),
    ShortKernel(
      "segment sums and decays (fp32)", launches: 13, width: .ssdScores,
      reads: 12, writes: 12, backend: "strided"),
    // One product of (c, l, s, h, n) fp32 elements, written and summed
    // over n; torch splits each kernel in two past 32-bit indexing (the
    // trace's two kernels of half the time each).
    ShortKernel(
      "C·B products (fp32, two)", launches: 2, width: .ssdScoreStates,
      reads: 0, writes: 2, backend: "outer-cb32"),
    ShortKernel(
      "their sums over the state", launches: 2, width: .ssdScoreStates,
      reads: 2, writes: 0, backend: "reduce-cb32"),
    ShortKernel(
      "masked scores (fp32)", launches: 2, width: .ssdScores, reads: 4,
      writes: 2, backend: "broadcast32"),
    // x is read through the transposed view of the conv output
    // (positions innermost): the products with it run at their own rates.
    ShortKernel(
      "scores·x (fp32)", launches: 1, width: .ssdScoreValues, reads: 0,
      writes: 2, backend: "outer-mx32-t"),
    ShortKernel(
      "its sum over positions", launches: 1, width: .ssdScoreValues,
      reads: 2, writes: 0, backend: "reduce-mid32"),
    ShortKernel(
      "chunk decays of B (fp32)", launches: 3, width: .ssmHeadStates,
      reads: 4, writes: 2, backend: "broadcast32"),
    ShortKernel(
      "chunk states B·x (fp32)", launches: 1, width: .ssmState, reads: 0,
      writes: 2, backend: "outer-bx32-t"),
    ShortKernel(
      "their sum over positions", launches: 1, width: .ssmState, reads: 2,
      writes: 0, backend: "reduce-mid32"),
    ShortKernel(
      "inter-chunk recurrence (fp32)", launches: 19, width: .ssdInterChunk,
      reads: 2, writes: 2, backend: "broadcast32"),
    ShortKernel(
      "C·states (fp32)", launches: 2, width: .ssmState, reads: 0, writes: 2,
      backend: "outer-cs32"),
    ShortKernel(
      "their sum over the state", launches: 1, width: .ssmState, reads: 2,
      writes: 0, backend: "reduce-cs32"),
    ShortKernel(
      "Y_off, y, D residual (fp32)", launches: 5, width: .ssmInner,
      reads: 8, writes: 6, backend: "broadcast32"),
    ShortKernel(
      "gated norm (fp32, with the gate's silu and mul)", launches: 10,
      width: .ssmInner, reads: 10, writes: 9),
  ]

  static let hfSSMPost = [
    ShortKernel(
      "residual add (fp32), cast", launches: 2, width: .hidden, reads: 3,
      writes: 3, backend: "add")
  ]
}

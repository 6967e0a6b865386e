/// The built-in engine profiles: what each engine launches, counted by
/// torch.profiler on the engines themselves (``EngineProfile``).
extension EngineProfile {
  /// No short kernels, one launch per operator, graph launches.
  public static let minimal = EngineProfile(
    name: "minimal", prefillLaunch: .graph, decodeLaunch: .graph,
    normLaunches: 1, attentionKernels: [], mlpKernels: [], headKernels: [],
    splitProjections: false)

  /// The project's reference PyTorch implementation.
  ///
  /// RoPE on a tensor of E elements: neg (½E in, ½E out), cat (E, E),
  /// x·cos (E, E), rot·sin (E, E), add (2E, E): 5 kernels, 5.5 E read and
  /// 4.5 E written (cos and sin are per token, not counted); for Q and K.
  public static let torch = EngineProfile(
    name: "torch", prefillLaunch: .eager, decodeLaunch: .graph,
    normLaunches: 1,
    normBackend: "rms_norm",
    attentionKernels: [
      ShortKernel(
        "rope (q)", launches: 5, width: .query, reads: 5.5, writes: 4.5,
        backend: "strided"),
      ShortKernel(
        "rope (k)", launches: 5, width: .keyValue, reads: 5.5, writes: 4.5,
        backend: "strided"),
      ShortKernel(
        "kv-cache write", launches: 2, width: .keyValue, reads: 2, writes: 2,
        backend: "strided"),
    ],
    postAttentionKernels: [
      ShortKernel(
        "attention output layout", launches: 1, width: .query, reads: 1,
        writes: 1, backend: "strided"),
      ShortKernel(
        "residual add", launches: 1, width: .hidden, reads: 2, writes: 1,
        backend: "add"),
    ],
    mlpKernels: [
      ShortKernel(
        "silu, mul", launches: 2, width: .intermediate, reads: 3, writes: 2,
        backend: "add")
    ],
    postMLPKernels: [
      ShortKernel(
        "residual add", launches: 1, width: .hidden, reads: 2, writes: 1,
        backend: "add")
    ],
    headKernels: [
      ShortKernel(
        "argmax", launches: 1, width: .vocabulary, reads: 1, writes: 0,
        backend: "read")
    ],
    routingKernels: torchRouting, combineKernels: torchCombine,
    expertsBackend: "grouped", ssmDecodeKernels: torchSSMDecode,
    ssmPrefillKernels: torchSSMPrefill, ssmPostKernels: torchSSMPost,
    splitProjections: false)

  /// The reference's mixture-of-experts layer (`tools/measure_e2e.py`,
  /// counted by torch.profiler on Mixtral): 19 routing kernels on the
  /// router's E logits per token (cast, softmax, top-k, normalise, the
  /// argsort, counts by scatter, their scan), the gather of the routed
  /// rows, two grouped GEMMs each after a setup kernel, silu and mul on
  /// the routed rows, and four to weight and scatter-add them back.
  static let torchRouting = [
    ShortKernel(
      "routing (softmax, top-k, sort, counts)", launches: 19,
      width: .experts, reads: 2, writes: 2),
    ShortKernel(
      "gather routed rows", launches: 1, width: .routedHidden, reads: 1,
      writes: 1, backend: "strided"),
    ShortKernel(
      "grouped-GEMM setup", launches: 2, width: .experts, reads: 0,
      writes: 0),
  ]
  static let torchCombine = [
    ShortKernel(
      "expert silu, mul", launches: 2, width: .routedIntermediate, reads: 3,
      writes: 2, backend: "strided"),
    ShortKernel(
      "weight and scatter-add", launches: 4, width: .routedHidden, reads: 2,
      writes: 2, backend: "strided"),
  ]

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

  /// transformers' model classes, eager: the reference's kernels, but
  /// RMSNorm unfused (seven kernels), separate q, k, v and gate, up
  /// projections, the cache appended by `torch.cat` (the whole cache
  /// copied each step), and SDPA's cuDNN backend: transformers passes
  /// no mask to SDPA and asks for GQA, and on an H200 torch's dispatch
  /// picks cuDNN attention (`cudnn_generated_fort_native_sdpa_*` in
  /// `reports/e2e/h200-e2e-trace.csv`), prefill and decode alike.
  ///
  /// Its Mamba-2 layers run transformers' fp32 fallbacks
  /// (EngineProfile+TransformersSSM.swift).
  public static let hf: EngineProfile = {
    var profile = torch
    profile.name = "hf"
    profile.attentionBackend = "cudnn"
    profile.decodeLaunch = .eager
    profile.normLaunches = 7
    profile.normBackend = "copy"
    profile.splitProjections = true
    profile.attentionKernels = profile.attentionKernels.map {
      $0.name != "kv-cache write"
        ? $0
        : ShortKernel(
          "kv-cache append (torch.cat)", launches: 2, width: .cacheContext,
          reads: 2, writes: 2, backend: "cat")
    }
    profile.ssmDecodeKernels = hfSSMDecode
    profile.ssmPrefillKernels = hfSSMPrefill
    profile.ssmPostKernels = hfSSMPost
    return profile
  }()

  /// A fused serving engine (vLLM, SGLang).
  public static let vllm = EngineProfile(
    name: "vllm", prefillLaunch: .eager, decodeLaunch: .graph,
    normLaunches: 1,
    normBackend: "rms_norm",
    attentionKernels: [
      ShortKernel(
        "rope + kv-cache write", launches: 2, width: .keyValue, reads: 3,
        writes: 3)
    ],
    mlpKernels: [
      ShortKernel(
        "silu_and_mul", launches: 1, width: .intermediate, reads: 2, writes: 1,
        backend: "add")
    ],
    headKernels: [
      ShortKernel(
        "sampler", launches: 1, width: .vocabulary, reads: 1, writes: 0,
        backend: "read")
    ],
    routingKernels: [
      ShortKernel(
        "topk_softmax, moe_align_block_size", launches: 2, width: .experts,
        reads: 2, writes: 2)
    ],
    combineKernels: [
      ShortKernel(
        "silu_and_mul", launches: 1, width: .routedIntermediate, reads: 2,
        writes: 1, backend: "add"),
      ShortKernel(
        "moe_sum", launches: 1, width: .routedHidden, reads: 1, writes: 0.5,
        backend: "add"),
    ],
    expertsBackend: "grouped",
    splitProjections: false)

  /// Every built-in profile.
  public static let all: [EngineProfile] = [minimal, torch, hf, vllm]

  /// The built-in profile called `name`.
  ///
  /// - Throws: ``PlanError`` naming the valid profiles.
  public static func named(_ name: String) throws(PlanError) -> EngineProfile {
    guard let profile = all.first(where: { $0.name == name }) else {
      throw PlanError(
        .engine,
        "unknown engine profile '\(name)'; use one of \(all.map(\.name).joined(separator: ", "))"
      )
    }
    return profile
  }
}

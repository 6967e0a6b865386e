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
    profile.routingKernels = hfRouting
    profile.combineKernels = hfCombine
    return profile
  }()

  /// transformers' grouped-GEMM experts (`grouped_mm_experts_forward`,
  /// transformers 5.17), as traced on Mixtral (`reports/e2e/h200-e2e-
  /// trace.csv`, one layer's kernels after the router GEMM): 18 kernels
  /// on the routing's ids and weights (softmax, top-k, normalise, the
  /// argsort, the counts by histogram and their scan, clamps), the gather
  /// of the routed rows, the in-place `masked_fill_` of their sentinel
  /// rows, and the two grouped GEMMs' setups.
  static let hfRouting = [
    ShortKernel(
      "routing (softmax, top-k, normalise, sort, histogram, scan)",
      launches: 18, width: .experts, reads: 2, writes: 2),
    ShortKernel(
      "gather routed rows (index, copy)", launches: 3, width: .routedHidden,
      reads: 1, writes: 1, backend: "strided"),
    ShortKernel(
      "sentinel rows masked (masked_fill_)", launches: 1,
      width: .routedHidden, reads: 1, writes: 1),
    ShortKernel(
      "grouped-GEMM setup", launches: 2, width: .experts, reads: 0,
      writes: 0),
  ]
  /// After the grouped GEMMs: the up projection's output copied and its
  /// sentinel rows masked (out of place), silu and mul, the down
  /// projection's output copied and masked, weighted in fp32, the
  /// inverse permutation (arange, index_put), the rows gathered back, their
  /// sum over the top-k in fp32 and its cast.
  static let hfCombine = [
    ShortKernel(
      "up output copied and masked", launches: 2, width: .routedIntermediate,
      reads: 4, writes: 4),
    ShortKernel(
      "expert silu, mul", launches: 2, width: .routedIntermediate, reads: 3,
      writes: 2, backend: "strided"),
    ShortKernel(
      "down output copied and masked", launches: 2, width: .routedHidden,
      reads: 2, writes: 2),
    ShortKernel(
      "routing weights (fp32), inverse permutation", launches: 3,
      width: .routedHidden, reads: 1, writes: 2, backend: "strided"),
    ShortKernel(
      "rows gathered back, summed over top-k (fp32), cast", launches: 3,
      width: .routedHidden, reads: 4, writes: 2, backend: "strided"),
  ]

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

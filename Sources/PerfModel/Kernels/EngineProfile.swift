/// What an inference engine launches besides the matrix products and
/// attention, and how: its fusion profile (the short kernels of each
/// layer, as data) and its launch mode per phase.
///
/// The graph builder adds each profile kernel to the graph as an
/// ``Operator`` of kind ``Operator/Kind/elementwise`` with ``Operator/launches``
/// kernels that stream `reads + writes` tensors of `tokens × width`
/// elements between them:
///
///     bytes = a · T · width · (reads + writes)        (a: activation bytes)
///
/// Profiles:
/// - `minimal`: none (projections, norms, attention, collectives and the
///   LM head only; the graph of earlier releases). Short kernels are not
///   modelled, and the output says so.
/// - `torch`: this project's reference PyTorch implementation
///   (`tools/measure_e2e.py --engine reference`): `rms_norm`, fused QKV,
///   rotate-half RoPE (neg, cat, two muls, add, for Q and for K), K and V
///   copied into the cache, SDPA flash with GQA, silu then mul, residual
///   adds, argmax sampling; prefill eager, decode in a CUDA graph.
/// - `hf`: transformers' Llama-family classes (`LlamaRMSNorm` in fp32:
///   cast, pow, mean, add + rsqrt, two muls, cast back; separate q, k, v
///   and gate, up projections; RoPE as torch; the DynamicCache appended by
///   `torch.cat`, which copies the whole cache each step), eager.
/// - `vllm`: a fused engine as vLLM and SGLang run it: fused add+RMSNorm,
///   RoPE fused with the cache write (`reshape_and_cache`), `silu_and_mul`,
///   a sampler kernel; prefill eager, decode in a CUDA graph.
///
/// [vLLM custom ops]: https://github.com/vllm-project/vllm/tree/main/csrc
public struct EngineProfile: Sendable, Hashable, Codable {
  /// What a short kernel's width is counted in.
  public enum Width: String, Sendable, Hashable, Codable {
    /// The model's hidden size.
    case hidden
    /// Query heads × head dimension (this rank's).
    case query
    /// Key/value heads × head dimension (this rank's), for one of K or V.
    case keyValue
    /// The MLP's intermediate size (this rank's).
    case intermediate
    /// The whole cache of a sequence for one of K or V: KV heads × head
    /// dimension × context (a cache appended by concatenation).
    case cacheContext
    /// The vocabulary (fp32 logits), per sequence.
    case vocabulary
    /// The routed experts of a token (router logits, top-k).
    case experts
    /// A token's routed copies of the hidden state: k · hidden.
    case routedHidden
    /// A token's routed copies of an expert's intermediate: k · its size.
    case routedIntermediate
    /// A Mamba layer's convolution channels (inner + 2·groups·state).
    case ssmChannels
    /// Its convolution window: channels × kernel width.
    case ssmConvWindow
    /// Its heads.
    case ssmHeads
    /// Its inner width (heads × head dimension).
    case ssmInner
    /// B or C per head: heads × state size.
    case ssmHeadStates
    /// Its recurrent state: heads × head dimension × state size.
    case ssmState
    /// The chunked scan's per-token score rows: heads × chunk (SSD).
    case ssdScores
    /// The chunked scan's matrix FLOPs per token: heads · (2·chunk·(state +
    /// head dimension) + 4·state·head dimension).
    case ssdFLOPs
  }

  /// One group of short kernels.
  public struct ShortKernel: Sendable, Hashable, Codable {
    /// A readable name (`rope`, `residual add`).
    public var name: String
    /// Kernels launched per layer (or per pass, for the head's).
    public var launches: Int
    /// The width one tensor of the group has, per token.
    public var width: Width
    /// Tensors read, over all `launches` kernels.
    public var reads: Double
    /// Tensors written, over all `launches` kernels.
    public var writes: Double
    /// The implementation, for its calibration class
    /// (`elementwise/<backend>`): `copy` (contiguous), `strided` (a
    /// transposed view, as RoPE and the cache write read), `add` (two
    /// inputs), `cat`, `read` (a reduction), `rms_norm`.
    public var backend: String
    /// FLOPs per element of the width: a group of small matrix products
    /// (the chunked scan's einsums), priced as `gemm/<backend>`.
    public var flopsPerElement = 0.0

    /// Creates a group.
    public init(
      _ name: String, launches: Int, width: Width, reads: Double,
      writes: Double, backend: String = "copy"
    ) {
      self.backend = backend
      self.name = name
      self.launches = launches
      self.width = width
      self.reads = reads
      self.writes = writes
    }
  }

  /// The profile's name (`torch`, `hf`, `vllm`, `minimal`).
  public var name: String
  /// Launch mode of a prefill pass.
  public var prefillLaunch: KernelWorkload.LaunchMode
  /// Launch mode of a decode step.
  public var decodeLaunch: KernelWorkload.LaunchMode
  /// Kernels per norm (RMSNorm; a fused add+norm counts its add here).
  public var normLaunches: Int
  /// The norm's implementation (``ShortKernel/backend``).
  public var normBackend = "copy"
  /// Short kernels of each attention layer before attention (RoPE, the
  /// cache write).
  public var attentionKernels: [ShortKernel]
  /// Short kernels after attention (the output's layout, the residual
  /// add after the output projection).
  public var postAttentionKernels: [ShortKernel]
  /// Short kernels of each dense MLP between its up and down projections
  /// (activation · mul).
  public var mlpKernels: [ShortKernel]
  /// Short kernels after the MLP (the residual add).
  public var postMLPKernels: [ShortKernel]
  /// Short kernels of a mixture-of-experts layer between the router and
  /// the experts (softmax, top-k, sort, the routed rows' gather).
  public var routingKernels: [ShortKernel] = []
  /// Short kernels after the experts (activation, weighting, the
  /// scatter back to tokens).
  public var combineKernels: [ShortKernel] = []
  /// The experts' GEMM implementation (`grouped`: one grouped GEMM per
  /// matrix, two launches).
  public var expertsBackend = "cublas"
  /// A Mamba-2 layer's kernels between its input and output projections
  /// in a decode step (replacing the convolution and scan operators).
  public var ssmDecodeKernels: [ShortKernel] = []
  /// The same in a prefill pass.
  public var ssmPrefillKernels: [ShortKernel] = []
  /// A Mamba layer's kernels after its output projection.
  public var ssmPostKernels: [ShortKernel] = []
  /// Short kernels after the LM head (sampling).
  public var headKernels: [ShortKernel]
  /// Separate projections where the engine does not fuse them: QKV as
  /// three GEMMs, gate and up as two.
  public var splitProjections: Bool
  /// The attention implementation, for its calibration class.
  public var attentionBackend: String
  /// The GEMM implementation, for its calibration class.
  public var gemmBackend: String
  /// Whether the profile lists any short kernel (`minimal` lists none:
  /// they are not modelled).
  public var modelsShortKernels: Bool {
    !attentionKernels.isEmpty || !mlpKernels.isEmpty
      || !postAttentionKernels.isEmpty || !postMLPKernels.isEmpty
  }

  /// The launch mode of `phase`.
  public func launchMode(_ phase: OperatorGraph.Phase)
    -> KernelWorkload.LaunchMode
  {
    phase == .prefill ? prefillLaunch : decodeLaunch
  }

  /// Creates a profile.
  public init(
    name: String, prefillLaunch: KernelWorkload.LaunchMode,
    decodeLaunch: KernelWorkload.LaunchMode, normLaunches: Int,
    normBackend: String = "copy",
    attentionKernels: [ShortKernel], postAttentionKernels: [ShortKernel] = [],
    mlpKernels: [ShortKernel], postMLPKernels: [ShortKernel] = [],
    headKernels: [ShortKernel], routingKernels: [ShortKernel] = [],
    combineKernels: [ShortKernel] = [], expertsBackend: String = "cublas",
    ssmDecodeKernels: [ShortKernel] = [], ssmPrefillKernels: [ShortKernel] = [],
    ssmPostKernels: [ShortKernel] = [],
    splitProjections: Bool,
    attentionBackend: String = "flash", gemmBackend: String = "cublas"
  ) {
    self.name = name
    self.prefillLaunch = prefillLaunch
    self.decodeLaunch = decodeLaunch
    self.normLaunches = normLaunches
    self.normBackend = normBackend
    self.attentionKernels = attentionKernels
    self.postAttentionKernels = postAttentionKernels
    self.mlpKernels = mlpKernels
    self.postMLPKernels = postMLPKernels
    self.headKernels = headKernels
    self.routingKernels = routingKernels
    self.combineKernels = combineKernels
    self.expertsBackend = expertsBackend
    self.ssmDecodeKernels = ssmDecodeKernels
    self.ssmPrefillKernels = ssmPrefillKernels
    self.ssmPostKernels = ssmPostKernels
    self.splitProjections = splitProjections
    self.attentionBackend = attentionBackend
    self.gemmBackend = gemmBackend
  }

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
      "state update (casts, x·dt, outer, ·dA, add, copy)", launches: 6,
      width: .ssmState, reads: 4, writes: 4, backend: "strided"),
    ShortKernel(
      "readout (·C, sum, D·x, add)", launches: 4, width: .ssmState,
      reads: 2, writes: 1, backend: "strided"),
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

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
    /// The chunked scan's score–state products per token: heads × chunk ×
    /// state size (transformers' fp32 fallback materialises C·B).
    case ssdScoreStates
    /// Its score–value products per token: heads × chunk × head dimension.
    case ssdScoreValues
    /// The states of the recurrence across chunks, per token: heads × head
    /// dimension × state size × (c + 1)² / (c · chunk) for c chunks.
    case ssdInterChunk
    /// The chunked scan's matrix FLOPs per token: heads · (2·chunk·(state +
    /// head dimension) + 4·state·head dimension).
    case ssdFLOPs
    /// The elements its chunk einsums read and write per token: heads ·
    /// (4·state + 2·chunk + 4·head dimension + 2·head dimension·state /
    /// chunk) — C·Bᵀ reads C and B and writes the scores, the diagonal
    /// block reads them and x and writes y, the chunk states read B and x
    /// and write the states, the off-diagonal block reads C and the
    /// states and writes y.
    case ssdOperands
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
    /// The width the FLOPs are counted over, when not ``width`` (the
    /// chunked scan's einsums: FLOPs over ``Width/ssdFLOPs``, bytes over
    /// ``Width/ssdOperands``).
    public var flopsWidth: Width?

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
}

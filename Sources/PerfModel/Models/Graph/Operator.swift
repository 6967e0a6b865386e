/// One operator of a phase's graph, on one device (one tensor-parallel rank
/// of one pipeline stage), repeated `count` times (identical layers fold).
public struct Operator: Sendable, Hashable, Codable {
  /// What the operator does, for grouping and for efficiency factors.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    case embedding, norm, projection, attention, mlp, router, experts
    case convolution, scan, linearAttention, lmHead, allReduce
    /// A collective other than the tensor-parallel all-reduce: expert
    /// dispatch and combine, Ulysses' head exchange, a pipeline hand-off.
    case communication
    /// Short streaming kernels of an engine's fusion profile (RoPE, a
    /// cache write, an activation, a residual add, sampling).
    case elementwise
  }

  /// A readable name (`layers 0–31 qkv_proj`).
  public var name: String
  /// What the operator does.
  public var kind: Kind
  /// How many identical instances the graph holds.
  public var count: Int
  /// FLOPs of one instance on this device.
  public var flops: Double
  /// The data type the FLOPs run in.
  public var dataType: DataType
  /// Main-memory bytes one instance moves (reads plus writes).
  public var bytes: Double
  /// The collective one instance needs, if any.
  ///
  /// An operator with FLOPs or
  /// bytes as well overlaps its collective with them (ring attention's
  /// key/value passes); one without is a step of its own.
  public var collective: CollectiveDemand?
  /// For routed experts: which experts the pass touches, whose weights are
  /// part of ``bytes``.
  public var routing: ExpertRouting?
  /// Kernels one instance launches (a profile's short-kernel group: RoPE
  /// is five); its FLOPs and bytes are split evenly between them.
  public var launches = 1
  /// The implementation of a streaming kernel (``EngineProfile/ShortKernel/backend``),
  /// which names its calibration class; `nil`: a contiguous copy.
  public var backend: String?
  /// Exponentials of one instance (attention's softmax).
  public var exponentials = 0.0
  /// Of ``bytes``, re-reads of data read once already (FlashAttention's K
  /// and V per row block), which a cache holding
  /// ``reuseWorkingSetBytes`` serves.
  public var reuseBytes = 0.0
  /// The bytes those re-reads cycle through at once.
  public var reuseWorkingSetBytes = 0.0
  /// The phase whose kernel runs it, where not its graph's (a
  /// speculative verification's attention is FlashAttention's prefill
  /// kernel in a decode-phase pass); it picks the calibration class.
  public var kernelPhase: OperatorGraph.Phase?
  /// Thread blocks one launch runs, where so few that some units idle.
  ///
  /// Each block runs on one unit, so the matrix and special-function
  /// peaks scale by blocks over units; `nil`: enough blocks.
  public var threadBlocks: Int?
  /// The layer group it belongs to (its ordinal among the model's layer
  /// groups) and that layer's kind (``LayerSpec/issueKind``); `nil` for the
  /// pass's own operators (embedding, final norm, LM head, sampling).
  public var layer: Layer?
  /// Whether a short kernel's work follows each sequence rather than the
  /// pass's tokens (a cache copy over the context, a sampler over the
  /// vocabulary); see ``scalesWithSequences``.
  public var sequenceScoped = false

  /// Whether the operator's work follows each sequence's own length or
  /// count (attention, a recurrence, a per-sequence cache copy, the LM
  /// head's rows) rather than the pass's token count alone: a mixed batch
  /// of prefill chunks and decode tokens (``IterationPricer``) prices
  /// these per sequence and the rest once over all its tokens.
  public var scalesWithSequences: Bool {
    switch kind {
    case .attention, .scan, .linearAttention, .convolution, .lmHead: true
    default: sequenceScoped
    }
  }

  /// An operator's place in the model's layers.
  public struct Layer: Sendable, Hashable, Codable {
    /// The ordinal of its layer group in ``ModelArchitecture/layerGroups``.
    public var group: Int
    /// The layer's kind (``LayerSpec/issueKind``).
    public var kind: String

    /// Creates a place.
    public init(group: Int, kind: String) {
      self.group = group
      self.kind = kind
    }
  }

  /// Creates an operator.
  public init(
    name: String, kind: Kind, count: Int = 1, flops: Double, dataType: DataType,
    bytes: Double, collective: CollectiveDemand? = nil,
    routing: ExpertRouting? = nil
  ) {
    self.routing = routing
    self.name = name
    self.kind = kind
    self.count = count
    self.flops = flops
    self.dataType = dataType
    self.bytes = bytes
    self.collective = collective
  }

  /// Bytes one instance all-reduces (0 when its collective is another kind
  /// or it has none).
  public var allReduceBytes: Double {
    collective?.kind == .allReduce ? collective?.bytes ?? 0 : 0
  }

  /// Arithmetic intensity, FLOPs per byte of main-memory traffic.
  public var intensity: Double { bytes > 0 ? flops / bytes : .infinity }
}

/// The expert weights a pass of routed tokens reads on one rank.
///
/// When `T` tokens each pick `k` of `E` experts uniformly, an expert is
/// untouched with probability `(1 − k/E)^T`, so a rank holding `E_r` of them
/// reads on average
///
///     touched = E_r · (1 − (1 − k/E)^T)
///
/// experts' weights: one token reads `k·E_r/E`, a large batch all `E_r`.
public struct ExpertRouting: Sendable, Hashable, Codable {
  /// Experts this rank holds.
  public var ownedExperts: Double
  /// Routed experts in the layer (E).
  public var experts: Double
  /// Experts each token picks (k).
  public var expertsPerToken: Double
  /// Tokens routed in the pass (T).
  public var tokens: Double
  /// Weight bytes of one expert on this rank.
  public var weightBytesPerExpert: Double

  /// Creates a routing description.
  public init(
    ownedExperts: Double, experts: Double, expertsPerToken: Double,
    tokens: Double, weightBytesPerExpert: Double
  ) {
    self.ownedExperts = ownedExperts
    self.experts = experts
    self.expertsPerToken = expertsPerToken
    self.tokens = tokens
    self.weightBytesPerExpert = weightBytesPerExpert
  }

  /// Experts of this rank the pass touches, on average.
  public var touchedExperts: Double {
    ownedExperts
      * (1 - Foundationless.power(1 - expertsPerToken / experts, tokens))
  }

  /// Weight bytes the pass reads.
  public var weightBytes: Double { touchedExperts * weightBytesPerExpert }
}

/// The operators of one phase of serving, on one device.
public struct OperatorGraph: Sendable, Hashable, Codable {
  /// Which phase.
  public enum Phase: String, Sendable, Hashable, Codable {
    /// Processing the prompt.
    case prefill
    /// Generating one token per sequence at a given context.
    case decode
  }

  /// The phase.
  public var phase: Phase
  /// Tokens this graph processes in one pass over all sequences.
  public var tokens: Int
  /// The operators, in execution order.
  public var operators: [Operator]

  /// Creates a graph.
  public init(phase: Phase, tokens: Int, operators: [Operator]) {
    self.phase = phase
    self.tokens = tokens
    self.operators = operators
  }

  /// FLOPs of the whole graph on this device.
  public var flops: Double {
    operators.reduce(0) { $0 + Double($1.count) * $1.flops }
  }

  /// Main-memory bytes of the whole graph on this device.
  public var bytes: Double {
    operators.reduce(0) { $0 + Double($1.count) * $1.bytes }
  }
}

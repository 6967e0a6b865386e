/// What a token-mixer family declares about itself.
///
/// Each family, in its own file (`Sources/PerfModel/Mixers/`), gives its
/// parameters and the linear weights a
/// quantized checkpoint stores quantized, the cache or state one request
/// keeps, the activations it keeps live, and how listings name it. The
/// layer, memory and workload code ask the mixer instead of switching over
/// the families; adding a family means adding its spec, its file, and its
/// case in ``MixerSpec`` (``MixerSpec/family``).
public protocol TokenMixer: Sendable {
  /// Tags for listings (`GQA`, `sliding-window`, `SSM (Mamba-2)`).
  var familyTags: [String] { get }
  /// The kind, for hybrid detection and host-issue keys (`attention`,
  /// `ssm`, `linear-attention`).
  var kind: String { get }
  /// Parameters on one of `tp` tensor-parallel ranks.
  func parameters(hiddenSize: Int, tensorParallel tp: Int) -> Double
  /// Its linear weights on one rank (``LayerSpec/linearWeights(hiddenSize:tensorParallel:)``).
  func linearWeights(hiddenSize: Int, tensorParallel tp: Int) -> LinearWeights
  /// KV-cache bytes one token adds on one rank (0 for a recurrent mixer).
  func cacheBytesPerToken(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  /// Tokens of a `context`-token request the KV cache keeps.
  func cachedTokens(context: Double) -> Double
  /// Fixed recurrent-state bytes one request holds on one rank.
  func stateBytes(tensorParallel tp: Int, format: StorageFormat) -> Double
  /// Live activation elements per token while it runs, on one rank.
  func activationWidth(tensorParallel tp: Int) -> Double
  /// One line a listing shows (`GQA 32q/8kv × 128, window 4096`).
  var summary: String { get }
  /// Throws unless `tp` tensor-parallel ranks can split it, naming
  /// `model` and the degrees that would.
  func checkTensorParallel(_ tp: Int, model: String) throws(PlanError)
}

/// A family with no KV cache: what it keeps per request is a fixed state
/// (``TokenMixer/stateBytes(tensorParallel:format:)``), nothing per token.
public protocol RecurrentMixer: TokenMixer {}

extension RecurrentMixer {
  public func cacheBytesPerToken(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  { 0 }

  public func cachedTokens(context: Double) -> Double { 0 }
}

/// A family that runs attention and a state-space mixer in one layer
/// (side by side, or one after the other): the attention's KV cache, the
/// state-space mixer's state, both their activations.
public protocol AttentionWithStateSpace: TokenMixer {
  /// Its attention.
  var attention: AttentionSpec { get }
  /// Its state-space mixer.
  var stateSpace: StateSpaceSpec { get }
}

extension AttentionWithStateSpace {
  public func cacheBytesPerToken(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  { attention.cacheBytesPerToken(tensorParallel: tp, format: format) }

  public func cachedTokens(context: Double) -> Double {
    attention.cachedTokens(context: context)
  }

  public func stateBytes(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  { stateSpace.stateBytes(tensorParallel: tp, format: format) }

  public func activationWidth(tensorParallel tp: Int) -> Double {
    attention.activationWidth(tensorParallel: tp)
      + stateSpace.activationWidth(tensorParallel: tp)
  }
}

extension MixerSpec {
  /// The family this mixer belongs to: the one place a new family is
  /// registered.
  public var family: any TokenMixer {
    switch self {
    case .attention(let a): a
    case .stateSpace(let s): s
    case .linearAttention(let l): l
    case .gatedDeltaNet(let g): g
    case .parallel(let p): p
    case .sharedBlock(let z): z
    case .noMixer: NoMixer()
    }
  }
}

/// The members the memory model and the sweep call per layer and per
/// context, dispatched on the concrete family (``family`` boxes the spec
/// in an existential, which costs a fifth of the sweep's speed on a
/// hybrid). A new family adds its arm here too, in this file.
extension MixerSpec {
  /// Parameters of the mixer on one of `tp` ranks (its family's count,
  /// `Sources/PerfModel/Mixers/`).
  public func parameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    switch self {
    case .attention(let a):
      a.parameters(hiddenSize: hiddenSize, tensorParallel: tp)
    case .stateSpace(let s):
      s.parameters(hiddenSize: hiddenSize, tensorParallel: tp)
    case .linearAttention(let l):
      l.parameters(hiddenSize: hiddenSize, tensorParallel: tp)
    case .gatedDeltaNet(let g):
      g.parameters(hiddenSize: hiddenSize, tensorParallel: tp)
    case .parallel(let p):
      p.parameters(hiddenSize: hiddenSize, tensorParallel: tp)
    case .sharedBlock(let z):
      z.parameters(hiddenSize: hiddenSize, tensorParallel: tp)
    case .noMixer: 0
    }
  }

  func cacheBytesPerToken(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  {
    switch self {
    case .attention(let a):
      a.cacheBytesPerToken(tensorParallel: tp, format: format)
    case .stateSpace(let s):
      s.cacheBytesPerToken(tensorParallel: tp, format: format)
    case .linearAttention(let l):
      l.cacheBytesPerToken(tensorParallel: tp, format: format)
    case .parallel(let p):
      p.cacheBytesPerToken(tensorParallel: tp, format: format)
    case .sharedBlock(let z):
      z.cacheBytesPerToken(tensorParallel: tp, format: format)
    case .gatedDeltaNet, .noMixer: 0
    }
  }

  func cachedTokens(context: Double) -> Double {
    switch self {
    case .attention(let a): a.cachedTokens(context: context)
    case .stateSpace(let s): s.cachedTokens(context: context)
    case .linearAttention(let l): l.cachedTokens(context: context)
    case .parallel(let p): p.cachedTokens(context: context)
    case .sharedBlock(let z): z.cachedTokens(context: context)
    case .gatedDeltaNet, .noMixer: 0
    }
  }

  func stateBytes(tensorParallel tp: Int, format: StorageFormat) -> Double {
    switch self {
    case .attention(let a): a.stateBytes(tensorParallel: tp, format: format)
    case .stateSpace(let s): s.stateBytes(tensorParallel: tp, format: format)
    case .linearAttention(let l):
      l.stateBytes(tensorParallel: tp, format: format)
    case .gatedDeltaNet(let g): g.stateBytes(tensorParallel: tp, format: format)
    case .parallel(let p): p.stateBytes(tensorParallel: tp, format: format)
    case .sharedBlock(let z): z.stateBytes(tensorParallel: tp, format: format)
    case .noMixer: 0
    }
  }

  func activationWidth(tensorParallel tp: Int) -> Double {
    switch self {
    case .attention(let a): a.activationWidth(tensorParallel: tp)
    case .stateSpace(let s): s.activationWidth(tensorParallel: tp)
    case .linearAttention(let l): l.activationWidth(tensorParallel: tp)
    case .gatedDeltaNet(let g): g.activationWidth(tensorParallel: tp)
    case .parallel(let p): p.activationWidth(tensorParallel: tp)
    case .sharedBlock(let z): z.activationWidth(tensorParallel: tp)
    case .noMixer: 0
    }
  }
}

extension MixerSpec {
  /// The softmax attention this mixer runs, alone or beside another
  /// branch (its RoPE and cache-write kernels are the layer's).
  public var attentionBranch: AttentionSpec? {
    switch self {
    case .attention(let a): a
    case .parallel(let p): p.attention
    case .sharedBlock(let z): z.attention
    default: nil
    }
  }
}

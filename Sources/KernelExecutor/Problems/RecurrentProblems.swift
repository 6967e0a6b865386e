/// Causal linear attention: `o_i = Σ_{j ≤ i} (q_i · k_j) v_j`.
///
/// Q and K are `[batch][heads][tokens][keyDim]`, V and O
/// `[batch][heads][tokens][valueDim]`, row-major Float32.
public struct LinearAttentionProblem: Sendable, Hashable {
  /// Sequences.
  public var batch: Int
  /// Heads.
  public var heads: Int
  /// Tokens per sequence.
  public var tokens: Int
  /// Key (and query) dimension per head.
  public var keyDim: Int
  /// Value dimension per head.
  public var valueDim: Int

  /// Creates a problem; sizes must be positive.
  public init(
    batch: Int = 1, heads: Int = 1, tokens: Int, keyDim: Int, valueDim: Int
  ) {
    precondition(
      batch > 0 && heads > 0 && tokens > 0 && keyDim > 0 && valueDim > 0)
    self.batch = batch
    self.heads = heads
    self.tokens = tokens
    self.keyDim = keyDim
    self.valueDim = valueDim
  }

  /// Elements of Q (and K).
  public var keyElements: Int { batch * heads * tokens * keyDim }
  /// Elements of V (and O).
  public var valueElements: Int { batch * heads * tokens * valueDim }
}

/// Mamba's selective scan, real-valued (Gu & Dao 2023, Alg. 2):
///
///     h_t = exp(Δ_t · A) ⊙ h_{t−1} + (Δ_t · x_t) B_t,   y_t = C_t · h_t + D ⊙ x_t
///
/// per channel `c` with state `h[c] ∈ ℝ^N`. x, Δ and y are
/// `[batch][length][channels]`; A is `[channels][stateSize]`; B and C are
/// `[batch][length][stateSize]`; D is `[channels]`.
public struct SelectiveScanProblem: Sendable, Hashable {
  /// Sequences.
  public var batch: Int
  /// Time steps.
  public var length: Int
  /// Channels (`d_inner`).
  public var channels: Int
  /// State size per channel (`d_state`).
  public var stateSize: Int

  /// Creates a problem; sizes must be positive.
  public init(batch: Int = 1, length: Int, channels: Int, stateSize: Int) {
    precondition(batch > 0 && length > 0 && channels > 0 && stateSize > 0)
    self.batch = batch
    self.length = length
    self.channels = channels
    self.stateSize = stateSize
  }

  /// Elements of x (and Δ, y).
  public var sequenceElements: Int { batch * length * channels }
  /// Elements of B (and C).
  public var inputElements: Int { batch * length * stateSize }
}

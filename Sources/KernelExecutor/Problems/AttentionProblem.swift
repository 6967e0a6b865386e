/// An attention problem for the executor, with its tensors' layout.
///
/// Q and O are `[batch][heads][queryLength][headDim]`, K and V
/// `[batch][kvHeads][keyLength][headDim]`, all row-major Float32. Query heads
/// `h` use KV head `h / (heads / kvHeads)`. A causal mask aligns queries to
/// the end of the keys: query position `p` sees keys `0 … p + keyLength −
/// queryLength`; a sliding window of `W` keeps the last `W` of them (the
/// key at that end included). The executor defines this itself and imports
/// no model code.
public struct AttentionProblem: Sendable, Hashable {
  /// Sequences.
  public var batch: Int
  /// Query heads.
  public var heads: Int
  /// Key/value heads.
  public var kvHeads: Int
  /// Query positions.
  public var queryLength: Int
  /// Key positions.
  public var keyLength: Int
  /// Head dimension.
  public var headDim: Int
  /// Whether the causal mask applies.
  public var causal: Bool
  /// Keys a query sees at most, its own included (a sliding window, with
  /// the causal mask); `nil`: every key the mask leaves.
  public var window: Int?

  /// Creates a problem; sizes must be positive and `kvHeads` divide `heads`.
  public init(
    batch: Int = 1, heads: Int = 1, kvHeads: Int? = nil, queryLength: Int,
    keyLength: Int? = nil, headDim: Int, causal: Bool = false,
    window: Int? = nil
  ) {
    let kv = kvHeads ?? heads
    precondition(batch > 0 && heads > 0 && kv > 0 && heads % kv == 0)
    precondition(
      queryLength > 0 && (keyLength ?? queryLength) > 0 && headDim > 0)
    self.batch = batch
    self.heads = heads
    self.kvHeads = kv
    self.queryLength = queryLength
    self.keyLength = keyLength ?? queryLength
    self.headDim = headDim
    precondition((window ?? 1) > 0)
    self.causal = causal
    self.window = window
  }

  /// Query heads per KV head.
  public var groupSize: Int { heads / kvHeads }
  /// Elements of Q (and O).
  public var queryElements: Int { batch * heads * queryLength * headDim }
  /// Elements of K (and V).
  public var keyElements: Int { batch * kvHeads * keyLength * headDim }
  /// `1/√d`, the softmax scale.
  public var scale: Float { 1 / Float(headDim).squareRoot() }

  /// Offset of row `position` of query head `head` in sequence `b`.
  public func queryOffset(_ b: Int, head: Int, position: Int) -> Int {
    ((b * heads + head) * queryLength + position) * headDim
  }

  /// Offset of row `position` of KV head `kvHead` in sequence `b`.
  public func keyOffset(_ b: Int, kvHead: Int, position: Int) -> Int {
    ((b * kvHeads + kvHead) * keyLength + position) * headDim
  }

  /// Whether query `position` may see key `key`.
  public func visible(position: Int, key: Int) -> Bool {
    guard causal else { return true }
    let last = position + keyLength - queryLength
    return key <= last && (window.map { key > last - $0 } ?? true)
  }
}

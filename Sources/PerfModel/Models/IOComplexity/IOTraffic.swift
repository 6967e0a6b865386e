/// Bytes moved between slow memory (HBM, DRAM) and fast memory (SRAM).
public struct IOTraffic: Sendable, Hashable, Codable {
  /// Bytes read from slow memory.
  public var readBytes: Double
  /// Bytes written to slow memory.
  public var writeBytes: Double

  /// Creates a traffic count.
  public init(readBytes: Double = 0, writeBytes: Double = 0) {
    self.readBytes = readBytes
    self.writeBytes = writeBytes
  }

  /// Reads plus writes.
  public var totalBytes: Double { readBytes + writeBytes }

  /// The sum of two counts.
  public static func + (lhs: IOTraffic, rhs: IOTraffic) -> IOTraffic {
    IOTraffic(
      readBytes: lhs.readBytes + rhs.readBytes,
      writeBytes: lhs.writeBytes + rhs.writeBytes)
  }

  /// A count repeated `n` times.
  public static func * (n: Double, traffic: IOTraffic) -> IOTraffic {
    IOTraffic(
      readBytes: n * traffic.readBytes, writeBytes: n * traffic.writeBytes)
  }
}

/// The shape of one attention call.
///
/// Query heads that share a KV head (GQA, MQA) are *packed*: the
/// `g = heads / kvHeads` heads of a group are processed as `g · N_q` rows
/// against one K/V, row `r` holding position `⌊r / g⌋` of head `r mod g`
/// (FlashAttention-3's PackGQA), so K and V are read once per group. With a
/// causal mask, queries align to the end of the keys: position `p` sees keys
/// `0 … p + N_k − N_q`.
public struct AttentionShape: Sendable, Hashable, Codable {
  /// Sequences in the batch.
  public var batch: Int
  /// Query heads.
  public var heads: Int
  /// Key/value heads; divides `heads`.
  public var kvHeads: Int
  /// Query positions per sequence (N_q).
  public var queryLength: Int
  /// Key positions per sequence (N_k).
  public var keyLength: Int
  /// Head dimension (d).
  public var headDim: Int
  /// Whether a causal mask applies.
  public var causal: Bool
  /// Bytes per element in slow memory (4 for fp32, 2 for bf16).
  public var elementBytes: Int
  /// Keys a query sees at most, its own included: a sliding window under
  /// the causal mask (FlashAttention-2 skips the key blocks before it);
  /// `nil`: none.
  public var window: Int?

  /// Creates a shape; sizes must be positive and `kvHeads` divide `heads`.
  public init(
    batch: Int = 1, heads: Int = 1, kvHeads: Int? = nil, queryLength: Int,
    keyLength: Int? = nil, headDim: Int, causal: Bool = false,
    elementBytes: Int = 4, window: Int? = nil
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
    self.causal = causal
    self.elementBytes = elementBytes
    self.window = window.map { max(1, $0) }
  }

  /// Query heads per KV head.
  public var groupSize: Int { heads / kvHeads }

  /// Packed query rows per KV head: `g · N_q`.
  public var packedRows: Int { groupSize * queryLength }

  /// (batch, KV head) instances, each an independent problem.
  public var instances: Int { batch * kvHeads }

  /// Keys the causal mask lets rows `[start, end)` of a packed row block see
  /// at most: one past the largest visible key index, capped at `N_k`.
  public func visibleKeys(rowsFrom start: Int, to end: Int) -> Int {
    guard causal else { return keyLength }
    let lastPosition = (end - 1) / groupSize
    return min(keyLength, max(0, lastPosition + keyLength - queryLength + 1))
  }
}

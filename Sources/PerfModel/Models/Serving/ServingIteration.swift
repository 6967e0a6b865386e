/// One forward pass of a continuous-batching engine: prefill chunks of
/// some sequences and one decode token of each of the others, run
/// together (vLLM v1, Sarathi-Serve).
///
/// Decode step `j` of a request with a `P`-token prompt reads its cache
/// of `P + j` tokens (the prompt and the `j` outputs so far, the newest
/// one included); ``decodeContextTokens`` sums that over the decoding
/// sequences.
public struct ServingIteration: Sendable, Hashable {
  /// A slice of one sequence's prompt processed in this pass.
  public struct Chunk: Sendable, Hashable {
    /// Prompt tokens in the slice.
    public var tokens: Int
    /// Tokens of the sequence already cached (earlier chunks or a reused
    /// prefix).
    public var cachedTokens: Int
    /// Whether the slice ends the prompt, so its last position is sampled.
    public var samples: Bool

    /// Creates a chunk.
    public init(tokens: Int, cachedTokens: Int, samples: Bool) {
      precondition(tokens > 0 && cachedTokens >= 0)
      self.tokens = tokens
      self.cachedTokens = cachedTokens
      self.samples = samples
    }
  }

  /// Prefill chunks in the pass.
  public var chunks: [Chunk]
  /// Sequences decoding one token each.
  public var decodeSequences: Int
  /// The decoding sequences' cache lengths, summed.
  public var decodeContextTokens: Int
  /// The longest of them (0: not known, taken as the mean).
  public var decodeLongestContext: Int

  /// Creates an iteration.
  public init(
    chunks: [Chunk], decodeSequences: Int, decodeContextTokens: Int,
    decodeLongestContext: Int = 0
  ) {
    precondition(decodeSequences >= 0 && decodeContextTokens >= decodeSequences)
    self.chunks = chunks
    self.decodeSequences = decodeSequences
    self.decodeContextTokens = decodeContextTokens
    self.decodeLongestContext = decodeLongestContext
  }

  /// Tokens through the pass's projections: every chunk's and one per
  /// decoding sequence.
  public var tokens: Int {
    chunks.reduce(decodeSequences) { $0 + $1.tokens }
  }
}

/// What happened to one request in a simulation.
public struct RequestOutcome: Sendable, Hashable, Codable {
  /// Its index in the workload.
  public var request: Int
  /// The replica that served it.
  public var replica: Int
  /// When it arrived.
  public var arrivalSeconds: Double
  /// Its prompt and output lengths.
  public var promptTokens: Int
  /// Tokens it generated.
  public var outputTokens: Int
  /// When it was first scheduled (its queueing ends).
  public var scheduledSeconds: Double
  /// When its first token was sampled.
  public var firstTokenSeconds: Double
  /// When its last token was sampled.
  public var completionSeconds: Double
  /// The longest gap between two of its tokens (0 for one token).
  public var maxGapSeconds: Double
  /// Times it was preempted.
  public var preemptions: Int
  /// Prompt tokens served from a cached prefix on its first admission.
  public var reusedPrefixTokens: Int

  /// Time to first token, from arrival.
  public var ttftSeconds: Double { firstTokenSeconds - arrivalSeconds }
  /// Arrival to last token.
  public var endToEndSeconds: Double { completionSeconds - arrivalSeconds }
  /// Waiting before the first pass.
  public var queueSeconds: Double { scheduledSeconds - arrivalSeconds }
  /// Mean time per output token after the first (0 for one token).
  public var tpotSeconds: Double {
    outputTokens > 1
      ? (completionSeconds - firstTokenSeconds) / Double(outputTokens - 1) : 0
  }
}

/// One pass of one replica.
public struct IterationRecord: Sendable, Hashable, Codable {
  /// The replica.
  public var replica: Int
  /// When the pass started.
  public var startSeconds: Double
  /// How long it took.
  public var seconds: Double
  /// Prompt tokens it prefilled (new prompts, chunks, recomputation).
  public var prefillTokens: Int
  /// Sequences it decoded a token for (padding included under static
  /// batching).
  public var decodeSequences: Int
  /// The cache lengths those decode tokens read, summed.
  public var decodeContextTokens: Int
  /// Sequences holding cache after it was scheduled.
  public var runningSequences: Int
  /// Requests arrived and waiting when it started.
  public var waitingRequests: Int
  /// Fraction of the cache pool in use when it ran.
  public var cacheUsedFraction: Double
}

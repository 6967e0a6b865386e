/// How a replica batches requests, and the cache it batches them in.
public struct SchedulerPolicy: Sendable, Hashable {
  /// The batching discipline.
  public enum Kind: String, Sendable, Hashable, CaseIterable {
    /// Static batching (FasterTransformer, `generate` on a batch): when
    /// the replica is idle it takes up to ``maxSequences`` waiting
    /// requests, prefills them in one pass and decodes all of them until
    /// the longest is done; finished ones stay in the batch as padding.
    case `static`
    /// Continuous batching (Orca, vLLM v1, Sarathi-Serve): every pass
    /// schedules the running sequences first (a decode token each, or the
    /// next chunk of a prompt), then admits waiting requests in arrival
    /// order while the token budget, the sequence limit and free cache
    /// blocks allow.
    case continuous
  }

  /// What happens to a running sequence when the cache runs out.
  public enum Preemption: String, Sendable, Hashable, CaseIterable {
    /// Its blocks are freed; when readmitted it prefills its prompt and
    /// the tokens it generated again (vLLM's default).
    case recompute
    /// Its blocks are copied to host memory over the host link and back
    /// when readmitted; the passes that copy wait for the copies (vLLM
    /// v0's swap space). Host memory is taken as large enough.
    case swap
  }

  /// The batching discipline.
  public var kind: Kind
  /// Sequences running at once (vLLM's `max_num_seqs`).
  public var maxSequences: Int
  /// Tokens one pass may process (vLLM's `max_num_batched_tokens`);
  /// static batching ignores it.
  public var tokenBudget: Int
  /// Whether a prompt may be split over passes (chunked prefill); without
  /// it a prompt is prefilled whole, so it must fit in the budget.
  public var chunkedPrefill: Bool
  /// Tokens per cache block (vLLM's `block_size`).
  public var blockTokens: Int
  /// How a sequence is preempted.
  public var preemption: Preemption
  /// Whether a prefix group's requests share their prefix's cache.
  ///
  /// Requests of one group reuse the blocks of their shared prefix once
  /// one of them has computed it (automatic prefix caching, whole blocks
  /// only; continuous batching). Unreferenced
  /// prefixes stay cached until their blocks are needed, least recently
  /// used first.
  public var prefixCaching: Bool

  /// Creates a policy.
  public init(
    kind: Kind, maxSequences: Int = 256, tokenBudget: Int = 8192,
    chunkedPrefill: Bool = true, blockTokens: Int = 16,
    preemption: Preemption = .recompute, prefixCaching: Bool = false
  ) {
    precondition(maxSequences > 0 && tokenBudget > 0 && blockTokens > 0)
    self.kind = kind
    self.maxSequences = maxSequences
    self.tokenBudget = tokenBudget
    self.chunkedPrefill = chunkedPrefill
    self.blockTokens = blockTokens
    self.preemption = preemption
    self.prefixCaching = prefixCaching
  }
}

/// The cache memory of one replica.
public struct CachePool: Sendable, Hashable {
  /// Bytes free for the KV cache and recurrent state, per device.
  public var capacityBytes: Double
  /// Cache bytes per token of a sequence, per device.
  public var bytesPerToken: Double
  /// Recurrent-state bytes per running sequence, per device.
  public var stateBytesPerSequence: Double

  /// Creates a pool.
  public init(
    capacityBytes: Double, bytesPerToken: Double,
    stateBytesPerSequence: Double = 0
  ) {
    precondition(
      capacityBytes >= 0 && bytesPerToken >= 0 && stateBytesPerSequence >= 0)
    self.capacityBytes = capacityBytes
    self.bytesPerToken = bytesPerToken
    self.stateBytesPerSequence = stateBytesPerSequence
  }

  /// The pool of `stage` (the devices' binding stage of a memory
  /// estimate): what the devices hold less the reserve, weights and
  /// activation workspace.
  public init(_ stage: StageMemory) {
    self.init(
      capacityBytes: max(
        0,
        stage.capacityBytes - stage.reserveBytes - stage.weightBytes
          - stage.workspaceBytes),
      bytesPerToken: stage.cacheBytesPerToken,
      stateBytesPerSequence: stage.stateBytesPerRequest)
  }
}

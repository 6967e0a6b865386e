/// The memory model's answer for one scenario.
public struct MemoryEstimate: Sendable, Hashable, Codable {
  /// Why the longest context stops where it does.
  public enum ContextLimit: String, Sendable, Hashable, Codable {
    /// Device memory runs out first.
    case memory
    /// The model's `max_position_embeddings` comes first.
    case model
    /// Neither: the cache does not grow with context (SSM, linear
    /// attention, sliding windows) and the model limit was lifted.
    case unbounded
  }

  /// Parameters of the whole model.
  public var totalParameters: Double
  /// Parameters one token reads (differs from the total for MoE).
  public var activeParametersPerToken: Double
  /// Bytes of all weights, unsplit.
  public var weightBytes: Double
  /// Bytes of the weights one token reads, unsplit.
  public var activeWeightBytesPerToken: Double
  /// KV bytes one token adds over all layers, unsplit, before window caps.
  public var cacheBytesPerToken: Double
  /// Fixed recurrent-state bytes per request, unsplit.
  public var stateBytesPerRequest: Double
  /// Cache bytes of one request at the scenario's context, unsplit.
  public var cacheBytesPerRequest: Double
  /// Cache bytes of the whole batch at the scenario's context, unsplit.
  public var cacheBytesForBatch: Double
  /// Per-device figures for each pipeline stage (one rank of each).
  public var stages: [StageMemory]
  /// Index of the stage that runs out of memory first.
  public var bindingStage: Int
  /// Concurrent requests at the scenario's context that fit, over all
  /// replicas.
  public var maxConcurrentRequests: Int
  /// The longest context at which the scenario's batch fits.
  public var maxContextTokens: Int
  /// What bounds ``maxContextTokens``.
  public var maxContextLimit: ContextLimit
  /// Whether the scenario's batch at its context fits on every device.
  public var fits: Bool

  /// Bytes the tightest device lacks (its free bytes, negated; ≤ 0 when
  /// everything fits).
  public var shortBytes: Double { -(stages.map(\.freeBytes).min() ?? 0) }
}

/// The memory of one device in one pipeline stage.
///
///     free = capacity − reserve − weights − workspace − batch · cache(request)
public struct StageMemory: Sendable, Hashable, Codable {
  /// The stage's index.
  public var stage: Int
  /// First layer of the stage.
  public var firstLayer: Int
  /// One past the stage's last layer.
  public var endLayer: Int
  /// The device's main-memory capacity.
  public var capacityBytes: Double
  /// Capacity held back for the runtime.
  public var reserveBytes: Double
  /// Weights this device holds.
  public var weightBytes: Double
  /// The activation workspace (and logits on the last stage).
  public var workspaceBytes: Double
  /// KV bytes one token adds on this device, before window caps.
  public var cacheBytesPerToken: Double
  /// Recurrent-state bytes one request holds on this device.
  public var stateBytesPerRequest: Double
  /// Cache bytes of one request at the scenario's context on this device.
  public var cacheBytesPerRequest: Double
  /// Cache bytes of this replica's share of the batch.
  public var batchCacheBytes: Double
  /// What is left; negative when the scenario does not fit.
  public var freeBytes: Double
  /// Requests at the scenario's context this device can hold.
  public var maxConcurrentRequests: Int
}

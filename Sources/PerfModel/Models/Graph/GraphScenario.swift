/// What a phase graph is built for: how many sequences, how long, in which
/// types, split how, on how much SRAM.
public struct GraphScenario: Sendable, Hashable, Codable {
  /// Sequences processed together (per data-parallel replica).
  public var batch: Int
  /// Prompt tokens per sequence (prefill).
  public var promptTokens: Int
  /// Cached tokens per sequence when a token is decoded.
  public var contextTokens: Int
  /// The split over devices (the graph is one tensor-parallel rank's work
  /// over all layers; pipeline stages run it in sequence).
  public var plan: ParallelPlan
  /// How layer weights are stored.
  public var weightFormat: StorageFormat
  /// How the KV cache and recurrent state are stored.
  public var cacheFormat: StorageFormat
  /// The data type activations and matrix products run in.
  public var activationDataType: DataType
  /// On-chip SRAM per compute unit, which sizes FlashAttention's tiles.
  public var sramBytes: Double

  /// Creates a graph scenario.
  public init(
    batch: Int, promptTokens: Int, contextTokens: Int,
    plan: ParallelPlan = ParallelPlan(),
    weightFormat: StorageFormat, cacheFormat: StorageFormat,
    activationDataType: DataType = .bf16,
    sramBytes: Double
  ) {
    precondition(
      batch > 0 && promptTokens > 0 && contextTokens > 0 && sramBytes > 0)
    self.batch = batch
    self.promptTokens = promptTokens
    self.contextTokens = contextTokens
    self.plan = plan
    self.weightFormat = weightFormat
    self.cacheFormat = cacheFormat
    self.activationDataType = activationDataType
    self.sramBytes = sramBytes
  }
}

extension GraphScenario {
  /// The graph of serving `scenario`'s batch (per replica) with prompts of
  /// `promptTokens` that generate `outputTokens` each, on `device`'s SRAM
  /// (64 KiB where the descriptor lists none).
  public init(
    serving scenario: MemoryScenario, promptTokens: Int, outputTokens: Int,
    on device: DeviceSpec
  ) {
    self.init(
      batch: scenario.batchPerReplica, promptTokens: promptTokens,
      contextTokens: promptTokens + outputTokens, plan: scenario.plan,
      weightFormat: scenario.weightFormat, cacheFormat: scenario.cacheFormat,
      activationDataType: scenario.activationDataType,
      sramBytes: device.sramBytesPerUnit ?? 65536)
  }
}

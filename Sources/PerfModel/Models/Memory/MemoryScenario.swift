/// What the memory model is asked: a model served at a context length and
/// concurrency, in given data types, split by a plan, with stated margins.
public struct MemoryScenario: Sendable, Hashable, Codable {
  /// Tokens per request (prompt plus generated so far).
  public var contextTokens: Int
  /// Concurrent requests over the whole deployment, spread evenly over the
  /// data-parallel replicas.
  public var batch: Int
  /// How the weights of the decoder layers are stored.
  ///
  /// Embeddings and the LM head stay in the model's published data type when
  /// this is a quantized format, as AWQ, GPTQ and FP8 checkpoints keep them.
  public var weightFormat: StorageFormat
  /// How the KV cache and recurrent state are stored.
  public var cacheFormat: StorageFormat
  /// The data type activations are computed in.
  public var activationDataType: DataType
  /// How the model is split over devices.
  public var plan: ParallelPlan
  /// Fraction of each device's memory held back for the runtime.
  ///
  /// The runtime takes the CUDA context, allocator fragmentation and graphs.
  /// 0.10 matches vLLM's default `gpu_memory_utilization = 0.9`.
  public var reserveFraction: Double
  /// Tokens in one forward pass, which sizes the activation workspace
  /// (vLLM's `max_num_batched_tokens`).
  public var workspaceTokens: Int
  /// Rows of fp32 logits the LM head writes per step (sequences sampled at
  /// once; vLLM's default `max_num_seqs` is 256).
  public var logitRows: Int
  /// Whether a context past the model's `max_position_embeddings` is
  /// allowed (RoPE scaling, or a what-if).
  public var allowBeyondModelContext: Bool

  /// Creates a scenario with the documented defaults.
  public init(
    contextTokens: Int, batch: Int = 1, weightFormat: StorageFormat,
    cacheFormat: StorageFormat, activationDataType: DataType = .bf16,
    plan: ParallelPlan = ParallelPlan(), reserveFraction: Double = 0.10,
    workspaceTokens: Int = 8192, logitRows: Int = 256,
    allowBeyondModelContext: Bool = false
  ) {
    self.contextTokens = contextTokens
    self.batch = batch
    self.weightFormat = weightFormat
    self.cacheFormat = cacheFormat
    self.activationDataType = activationDataType
    self.plan = plan
    self.reserveFraction = reserveFraction
    self.workspaceTokens = workspaceTokens
    self.logitRows = logitRows
    self.allowBeyondModelContext = allowBeyondModelContext
  }

  /// Requests one replica serves: `⌈batch / dataParallel⌉`.
  public var batchPerReplica: Int {
    (batch + plan.dataParallel - 1) / plan.dataParallel
  }
}

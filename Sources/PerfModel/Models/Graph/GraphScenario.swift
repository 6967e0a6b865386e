/// What a phase graph is built for: how many sequences, how long, in which
/// types, split how, on how much SRAM.
public struct GraphScenario: Sendable, Hashable, Codable {
  /// Sequences processed together (per data-parallel replica).
  public var batch: Int
  /// Prompt tokens per sequence a prefill pass processes: the whole prompt,
  /// one chunk of it, or what follows a reused prefix.
  public var promptTokens: Int
  /// Tokens each sequence already holds in its cache when the prefill pass
  /// starts (a reused prefix, or the chunks before this one); the pass's
  /// tokens attend to these and to each other, causally.
  public var cachedTokens: Int
  /// Cached tokens per sequence when a token is decoded.
  public var contextTokens: Int
  /// The split over devices (the graph is one tensor-parallel rank's work
  /// over all layers; pipeline stages run it in sequence).
  public var plan: ParallelPlan
  /// How layer weights are stored.
  public var weightFormat: StorageFormat
  /// How the KV cache and recurrent state are stored.
  public var cacheFormat: StorageFormat
  /// The data type activations and matrix products run in; an 8-bit or
  /// narrower type (fp8, fp4) quantizes only the matrix products' inputs,
  /// the rest running in its ``DataType/residualType``.
  public var activationDataType: DataType
  /// On-chip SRAM per compute unit, which sizes FlashAttention's tiles.
  public var sramBytes: Double
  /// Devices joined by one scale-up fabric; a collective group spanning
  /// more runs over the scale-out network (``CollectiveDemand``).
  public var devicesPerNode: Int
  /// The engine whose kernels the graph lists (``EngineProfile``);
  /// `minimal` lists no short kernels.
  public var engine: EngineProfile = .minimal
  /// Compute units (SMs) of the device, which bound the attention
  /// instances in flight at once.
  public var computeUnits = 1
  /// Block density of the prefill's attention (``BlockSparseAttentionIO``:
  /// each row block visits its sink and nearest key blocks, this fraction
  /// of those it sees), after a block-selection pass; `nil`: dense.
  public var attentionDensity: Double?

  /// Creates a graph scenario.
  public init(
    batch: Int, promptTokens: Int, contextTokens: Int,
    plan: ParallelPlan = ParallelPlan(),
    weightFormat: StorageFormat, cacheFormat: StorageFormat,
    activationDataType: DataType = .bf16,
    sramBytes: Double, cachedTokens: Int = 0, devicesPerNode: Int = .max
  ) {
    precondition(
      batch > 0 && promptTokens > 0 && contextTokens > 0 && sramBytes > 0
        && cachedTokens >= 0 && devicesPerNode > 0)
    self.batch = batch
    self.promptTokens = promptTokens
    self.cachedTokens = cachedTokens
    self.devicesPerNode = devicesPerNode
    self.contextTokens = contextTokens
    self.plan = plan
    self.weightFormat = weightFormat
    self.cacheFormat = cacheFormat
    self.activationDataType = activationDataType
    self.sramBytes = sramBytes
  }

  /// Whether a group of `ranks` with `stride` spans more than one node.
  public func crossesNodes(ranks: Int, stride: Int) -> Bool {
    ranks > 1 && ranks * stride > devicesPerNode
  }
}

extension GraphScenario {
  /// The graph of serving `scenario`'s batch (per replica) with prompts of
  /// `promptTokens` that generate `outputTokens` each, on `device`'s SRAM
  /// (64 KiB where the descriptor lists none), in nodes of
  /// `devicesPerNode`.
  public init(
    serving scenario: MemoryScenario, promptTokens: Int, outputTokens: Int,
    on device: DeviceSpec, devicesPerNode: Int = .max
  ) {
    self.init(
      batch: scenario.batchPerReplica, promptTokens: promptTokens,
      contextTokens: promptTokens + outputTokens, plan: scenario.plan,
      weightFormat: scenario.weightFormat, cacheFormat: scenario.cacheFormat,
      activationDataType: scenario.activationDataType,
      sramBytes: device.sramBytesPerUnit ?? 65536,
      devicesPerNode: devicesPerNode)
    computeUnits = device.compute.unitCount
  }
}

extension ModelArchitecture {
  /// The model with every kind of layer in one group, counts summed, in
  /// order of first appearance: a hybrid's interleaved pattern (Jamba's
  /// attention every eighth layer, MoE every second) becomes a few groups.
  ///
  /// A phase graph's time sums its operators, so it is the same for the
  /// folded model; only the layer labels (and so pipeline stages, which
  /// take consecutive layers) differ. Sweeps build folded graphs.
  public var repeatedLayersFolded: ModelArchitecture {
    var order: [LayerSpec] = []
    var counts: [LayerSpec: Int] = [:]
    for group in layerGroups {
      if counts[group.layer] == nil { order.append(group.layer) }
      counts[group.layer, default: 0] += group.count
    }
    var folded = self
    folded.layerGroups = order.map {
      LayerGroup(count: counts[$0] ?? 0, layer: $0)
    }
    return folded
  }
}

/// How much memory a model takes to serve, and what fits on a device.
///
/// Per device (one tensor-parallel rank of each pipeline stage):
///
///     weights   = Σ_stage layers params/tp · weight bytes (+ embeddings on
///                 the first stage, final norm and LM head on the last)
///     workspace = workspace tokens · max layer activation width · act bytes
///                 + logit rows · ⌈V/tp⌉ · 4      (last stage only)
///     reserve   = reserve fraction · capacity
///     cache(L)  = Σ_stage layers (KV per token · min(L, window) + state) / cp
///     max concurrency = ⌊(capacity − reserve − weights − workspace) / cache(L)⌋
///
/// The whole deployment's concurrency is the binding stage's times the
/// data-parallel replicas. Paging granularity is not modelled (vLLM's
/// 16-token blocks waste under one block per request).
///
/// [Pope et al. 2022]: https://arxiv.org/abs/2211.05102
/// [Fu 2024]: https://arxiv.org/abs/2405.08944
public enum MemoryModel {
  /// Estimates memory for `scenario` of `model` on devices like `device`.
  ///
  /// - Throws: ``PlanError`` when the plan cannot split the model, or the
  ///   scenario's numbers are out of range.
  public static func estimate(
    _ model: ModelArchitecture, on device: DeviceSpec,
    _ scenario: MemoryScenario
  ) throws(PlanError) -> MemoryEstimate {
    try check(model, scenario)
    let plan = scenario.plan
    let tp = plan.tensorParallel
    let capacity = device.mainMemory.capacityBytes
    let context = Double(scenario.contextTokens)
    let perReplica = scenario.batchPerReplica

    var stages: [StageMemory] = []
    for stage in 0..<plan.pipelineParallel {
      let layers = model.stageLayers(stage, of: plan.pipelineParallel)
      let weights = stageWeightBytes(model, layers, stage: stage, scenario)
      let workspace = stageWorkspaceBytes(model, layers, stage: stage, scenario)
      // Context parallelism splits each sequence's cache over its ranks.
      let cp = Double(plan.contextParallel)
      var perToken = 0.0
      var state = 0.0
      model.forEachLayerGroup(in: layers) { count, layer in
        perToken +=
          Double(count)
          * layer.cacheBytesPerToken(
            tensorParallel: tp, format: scenario.cacheFormat) / cp
        state +=
          Double(count)
          * layer.stateBytes(tensorParallel: tp, format: scenario.cacheFormat)
      }
      let perRequest = model.cacheBytes(
        context: context, layers: layers, plan: plan,
        format: scenario.cacheFormat)
      let reserve = scenario.reserveFraction * capacity
      let room = capacity - reserve - weights - workspace
      let batchCache = Double(perReplica) * perRequest
      let maxRequests =
        perRequest > 0 ? max(0, Int((room / perRequest).rounded(.down))) : 0
      stages.append(
        StageMemory(
          stage: stage, firstLayer: layers.lowerBound,
          endLayer: layers.upperBound,
          capacityBytes: capacity, reserveBytes: reserve, weightBytes: weights,
          workspaceBytes: workspace, cacheBytesPerToken: perToken,
          stateBytesPerRequest: state, cacheBytesPerRequest: perRequest,
          batchCacheBytes: batchCache, freeBytes: room - batchCache,
          maxConcurrentRequests: maxRequests))
    }

    let binding =
      stages.indices.min {
        stages[$0].maxConcurrentRequests < stages[$1].maxConcurrentRequests
      } ?? 0
    let (maxContext, limit) = longestContext(model, stages, scenario)
    let weightFormat = scenario.weightFormat
    let format = scenario.cacheFormat
    let perRequest = model.cacheBytesPerRequest(
      context: context, format: format)
    return MemoryEstimate(
      totalParameters: model.totalParameters,
      activeParametersPerToken: model.activeParametersPerToken,
      weightBytes: modelWeightBytes(model, weightFormat, active: false),
      activeWeightBytesPerToken: modelWeightBytes(
        model, weightFormat, active: true),
      cacheBytesPerToken: model.cacheBytesPerToken(format: format),
      stateBytesPerRequest: model.stateBytesPerRequest(format: format),
      cacheBytesPerRequest: perRequest,
      cacheBytesForBatch: Double(scenario.batch) * perRequest,
      stages: stages, bindingStage: binding,
      maxConcurrentRequests: stages[binding].maxConcurrentRequests
        * plan.dataParallel,
      maxContextTokens: maxContext, maxContextLimit: limit,
      fits: stages.allSatisfy { $0.freeBytes >= 0 })
  }

  static func check(_ model: ModelArchitecture, _ s: MemoryScenario)
    throws(PlanError)
  {
    try model.checkPlan(s.plan)
    guard s.contextTokens >= 1 else {
      throw PlanError(
        .context, "context must be at least 1 token, got \(s.contextTokens)")
    }
    guard s.allowBeyondModelContext || s.contextTokens <= model.maxContextTokens
    else {
      throw PlanError(
        .context,
        "context \(s.contextTokens) exceeds the \(model.maxContextTokens)-token limit of \(model.name) (max_position_embeddings); lower it, or force it if the model is served with RoPE scaling"
      )
    }
    guard s.batch >= 1 else {
      throw PlanError(
        .batch, "batch must be at least 1 request, got \(s.batch)")
    }
    guard s.reserveFraction >= 0, s.reserveFraction < 1 else {
      throw PlanError(
        .reserveFraction,
        "reserve fraction must be in [0, 1), got \(s.reserveFraction)")
    }
    guard s.workspaceTokens >= 1, s.logitRows >= 0 else {
      throw PlanError(.workspaceTokens, "workspace tokens must be at least 1")
    }
  }

  /// Weight bytes of the whole model, or of what one token reads.
  static func modelWeightBytes(
    _ model: ModelArchitecture, _ format: StorageFormat, active: Bool
  ) -> Double {
    let h = model.hiddenSize
    var layers = 0.0
    for group in model.layerGroups {
      layers +=
        Double(group.count)
        * layerWeightBytes(
          group.layer, hiddenSize: h, tensorParallel: 1, format,
          active: active)
    }
    let edges =
      model.embeddingParameters(tensorParallel: 1)
      + (model.tieWordEmbeddings
        ? 0 : model.lmHeadParameters(tensorParallel: 1))
      + Double(model.finalNormParameters)
    return layers
      + edgeFormat(model, format).bytes(elements: edges, vectorLength: h)
  }

  /// Bytes of one layer's weights on one rank.
  ///
  /// With `active`, what one token reads: the top-k routed experts. A
  /// quantized checkpoint's
  /// covered modules are counted as it stores them
  /// (``WeightQuantization/bytes(_:)``), the rest of the layer (norms,
  /// biases, the modules it leaves out) in its dtype.
  static func layerWeightBytes(
    _ layer: LayerSpec, hiddenSize h: Int, tensorParallel tp: Int,
    _ format: StorageFormat, active: Bool
  ) -> Double {
    var rest =
      active
      ? layer.activeParameters(hiddenSize: h, tensorParallel: tp)
      : layer.parameters(hiddenSize: h, tensorParallel: tp)
    guard let q = format.quantization else {
      return format.bytes(elements: rest, vectorLength: h)
    }
    var share = 1.0
    if active, case .moe(let e) = layer.feedForward {
      share = Double(e.expertsPerToken) / Double(e.experts)
    }
    var quantized = 0.0
    for (module, w) in layer.linearWeights(hiddenSize: h, tensorParallel: tp)
    where q.modules.contains(module) {
      let part = module == .experts ? share : 1
      quantized += part * q.bytes(w)
      rest -= part * w.parameters
    }
    return quantized
      + StorageFormat.weights(format.dataType).bytes(
        elements: rest, vectorLength: h)
  }

  /// Embeddings, LM head and final norm stay in the published type when
  /// the layers are quantized to one byte or less.
  static func edgeFormat(_ model: ModelArchitecture, _ format: StorageFormat)
    -> StorageFormat
  {
    if format.quantization != nil { return .weights(format.dataType) }
    return format.dataType.bytesPerElement <= 1
      ? .weights(model.weightDataType) : format
  }

  static func stageWeightBytes(
    _ model: ModelArchitecture, _ layers: Range<Int>, stage: Int,
    _ s: MemoryScenario
  ) -> Double {
    let tp = s.plan.tensorParallel
    let h = model.hiddenSize
    var bytes = 0.0
    model.forEachLayerGroup(in: layers) { count, layer in
      bytes +=
        Double(count)
        * layerWeightBytes(
          layer, hiddenSize: h, tensorParallel: tp, s.weightFormat,
          active: false)
    }
    var edges = 0.0
    let pp = s.plan.pipelineParallel
    if stage == 0 { edges += model.embeddingParameters(tensorParallel: tp) }
    if stage == pp - 1 {
      edges += Double(model.finalNormParameters)
      // A tied head shares the embedding only when both sit on one stage.
      if !model.tieWordEmbeddings || pp > 1 {
        edges += model.lmHeadParameters(tensorParallel: tp)
      }
    }
    return bytes
      + edgeFormat(model, s.weightFormat).bytes(
        elements: edges, vectorLength: h)
  }

  static func stageWorkspaceBytes(
    _ model: ModelArchitecture, _ layers: Range<Int>, stage: Int,
    _ s: MemoryScenario
  ) -> Double {
    let tp = s.plan.tensorParallel
    var width = 0.0
    model.forEachLayerGroup(in: layers) { _, layer in
      width = max(
        width,
        layer.activationWidth(hiddenSize: model.hiddenSize, tensorParallel: tp))
    }
    var bytes =
      Double(s.workspaceTokens) * width
      * s.activationDataType.residualType.bytesPerElement
    if stage == s.plan.pipelineParallel - 1 {
      let rows = Double(min(s.logitRows, s.workspaceTokens))
      bytes += rows * Double((model.vocabSize + tp - 1) / tp) * 4
    }
    return bytes
  }
}

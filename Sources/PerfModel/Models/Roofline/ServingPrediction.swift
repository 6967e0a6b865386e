/// How a request's prompt reaches the cache: whole or in chunks, and how
/// much of it a reused prefix already holds.
public struct PrefillOptions: Sendable, Hashable, Codable {
  /// Where a reused prefix's cache waits.
  public enum PrefixLocation: String, Sendable, Hashable, Codable,
    CaseIterable
  {
    /// In device memory: reuse costs nothing but its attention reads.
    case device
    /// Offloaded to host memory: it comes back over the host link first.
    case host
  }

  /// Prompt tokens per prefill pass (chunked prefill); `nil` for one pass.
  public var chunkTokens: Int?
  /// Leading prompt tokens whose cache is reused from an earlier request.
  public var cachedPrefixTokens: Int
  /// Where the reused prefix is.
  public var prefixLocation: PrefixLocation

  /// Creates prefill options.
  public init(
    chunkTokens: Int? = nil, cachedPrefixTokens: Int = 0,
    prefixLocation: PrefixLocation = .device
  ) {
    precondition((chunkTokens ?? 1) > 0 && cachedPrefixTokens >= 0)
    self.chunkTokens = chunkTokens
    self.cachedPrefixTokens = cachedPrefixTokens
    self.prefixLocation = prefixLocation
  }

  /// One pass over the whole prompt, no reuse.
  public static let whole = PrefillOptions()
}

/// TTFT, TPOT and throughput of one serving scenario.
///
/// A replica's batch of `b` sequences is cut into `m` micro-batches of
/// `⌈b/m⌉`; with `pp` pipeline stages, the slowest holding `⌈N/pp⌉` of the
/// `N` layers, its time is taken as the share `s = ⌈N/pp⌉/N` of a pass
/// (the layers dominate; the embedding and head are not apportioned):
///
///     pass(j)    = one prefill pass of a micro-batch through every stage: chunk j
///                  of the prompt after the reused prefix and the chunks before it
///     TTFT       = prefix load + Σ_j pass(j) · (1 + (m − 1)·s)
///                  (GPipe: the first micro-batch crosses every stage, the rest
///                  follow at the slowest stage's pace; balanced, (m + pp − 1)/pp passes)
///     TPOT       = step(⌈b/m⌉, L̄) · max(m·s, 1),   L̄ = prompt + output/2
///                  (a sequence's next token waits for the round of all micro-batches
///                  at the slowest stage, or for its own trip; balanced, max(m, pp)/pp)
///     end-to-end = TTFT + output · TPOT
///     throughput = b · replicas / TPOT output tokens per second
///
/// A stage idles `1 − (m/pp)/(1 + (m − 1)·s)` of the prefill schedule
/// (balanced: (pp − 1)/(m + pp − 1)) and `1 − (m/pp)/max(m·s, 1)` of a
/// decode round (balanced: (pp − m)/pp when m < pp). Decode time is linear
/// in context, so the step at L̄ is the mean over the output. A prefix on
/// the host comes back over the host link before the pass, not overlapped.
///
/// [Huang et al. 2019, GPipe]: https://arxiv.org/abs/1811.06965
/// [Agrawal et al. 2024, Sarathi-Serve]: https://arxiv.org/abs/2403.02310
public struct ServingPrediction: Sendable, Hashable, Codable {
  /// The first prefill pass of one micro-batch (the whole prompt unless
  /// chunked).
  public var prefill: PhasePrediction
  /// The later chunks' passes, in order (empty unless chunked).
  public var laterChunks: [PhasePrediction]
  /// One decode step of one micro-batch at the mean context.
  public var decode: PhasePrediction
  /// Output tokens per sequence.
  public var outputTokens: Int
  /// Data-parallel replicas.
  public var replicas: Int
  /// Sequences per replica.
  public var batch: Int
  /// Pipeline stages.
  public var pipelineStages: Int
  /// Micro-batches per replica.
  public var microBatches: Int
  /// The slowest stage's share of a pass: ⌈layers/pp⌉ / layers.
  public var slowestStageShare: Double
  /// Seconds to bring a host-resident prefix back before the prefill.
  public var prefixLoadSeconds: Double
  /// The efficiency factors used.
  public var efficiency: EfficiencyFactors

  /// Seconds of all prefill passes of one micro-batch, through every stage.
  public var prefillPassSeconds: Double {
    laterChunks.reduce(prefill.seconds) { $0 + $1.seconds }
  }
  /// Time to first token, seconds.
  public var ttftSeconds: Double {
    prefixLoadSeconds + prefillPassSeconds * prefillSpan
  }
  /// Time per output token, seconds.
  public var tpotSeconds: Double { decode.seconds * decodeRound }
  /// The prefill schedule in passes: 1 + (m − 1)·s.
  var prefillSpan: Double { 1 + Double(microBatches - 1) * slowestStageShare }
  /// A decode round in steps: max(m·s, 1).
  var decodeRound: Double { max(Double(microBatches) * slowestStageShare, 1) }
  /// Fraction of the prefill schedule a stage idles.
  public var prefillBubbleFraction: Double {
    1 - Double(microBatches) / Double(pipelineStages) / prefillSpan
  }
  /// Fraction of a decode round a stage idles.
  public var decodeBubbleFraction: Double {
    1 - Double(microBatches) / Double(pipelineStages) / decodeRound
  }
  /// Latency of one request from arrival to its last token, seconds.
  public var endToEndSeconds: Double {
    ttftSeconds + Double(outputTokens) * tpotSeconds
  }
  /// Requests over the deployment, when fewer than `batch · replicas`
  /// (a batch that does not divide among the replicas: 4 requests on 8
  /// replicas run one each on 4 of them); `nil`: every replica full.
  public var requests: Int?

  /// Output tokens per second over the deployment while decoding: the
  /// requests running, one token each per step.
  public var outputTokensPerSecond: Double {
    Double(min(batch * replicas, requests ?? .max)) / tpotSeconds
  }

  /// Predicts `model` serving `scenario` on devices like `device`.
  ///
  /// - Throws: ``PlanError`` when the device lacks the activation type, the
  ///   plan cannot split the model, the micro-batches exceed the batch, or
  ///   the prefix or chunk is out of range.
  public static func predict(
    _ model: ModelArchitecture, on device: DeviceSpec,
    _ scenario: GraphScenario,
    outputTokens: Int, efficiency: EfficiencyFactors,
    calibration: KernelCalibration? = nil,
    prefill options: PrefillOptions = .whole
  ) throws(PlanError) -> ServingPrediction {
    let plan = scenario.plan
    try model.checkPlan(plan)
    guard plan.microBatches <= scenario.batch else {
      throw PlanError(
        .microBatches,
        "\(plan.microBatches) micro-batches need at least as many sequences per replica; the batch is \(scenario.batch)"
      )
    }
    let prompt = scenario.promptTokens
    let prefix = options.cachedPrefixTokens
    guard prefix < prompt else {
      throw PlanError(
        .prefix,
        "a reused prefix of \(prefix) tokens leaves nothing of the \(prompt)-token prompt to prefill; use fewer than \(prompt)"
      )
    }
    let micro = GraphScenario.microBatch(scenario)
    var passes: [PhasePrediction] = []
    var done = prefix
    while done < prompt {
      var pass = micro
      pass.cachedTokens = done
      pass.promptTokens = min(options.chunkTokens ?? prompt, prompt - done)
      passes.append(
        try PhasePrediction.predict(
          OperatorGraphBuilder.prefill(model, pass), on: device,
          efficiency: efficiency, calibration: calibration,
          engine: scenario.engine))
      done += pass.promptTokens
    }
    var step = micro
    step.contextTokens = prompt + outputTokens / 2
    var load = 0.0
    if options.prefixLocation == .host, prefix > 0 {
      // Each device's layers and heads of the prefix, on average over stages.
      let bytes =
        model.cacheBytes(
          context: Double(prefix), layers: 0..<model.layerCount, plan: plan,
          format: scenario.cacheFormat) / Double(plan.pipelineParallel)
      load = OffloadModel.transferSeconds(
        bytes: Double(scenario.batch) * bytes, on: device,
        efficiency: efficiency)
    }
    return ServingPrediction(
      prefill: passes[0], laterChunks: Array(passes.dropFirst()),
      decode: try PhasePrediction.predict(
        OperatorGraphBuilder.decode(model, step), on: device,
        efficiency: efficiency, calibration: calibration,
        engine: scenario.engine),
      outputTokens: outputTokens, replicas: plan.dataParallel,
      batch: scenario.batch, pipelineStages: plan.pipelineParallel,
      microBatches: plan.microBatches,
      slowestStageShare: Double(
        (model.layerCount + plan.pipelineParallel - 1) / plan.pipelineParallel)
        / Double(model.layerCount),
      prefixLoadSeconds: load,
      efficiency: efficiency)
  }
}

extension GraphScenario {
  /// One micro-batch of `scenario`: ⌈batch / m⌉ sequences.
  static func microBatch(_ scenario: GraphScenario) -> GraphScenario {
    var micro = scenario
    let m = scenario.plan.microBatches
    micro.batch = (scenario.batch + m - 1) / m
    return micro
  }
}

/// One point of a sweep: a model at a context, batch and device count.
public struct SweepPoint: Sendable, Hashable, Codable {
  /// Devices, all tensor-parallel.
  public var devices: Int
  /// Concurrent sequences.
  public var batch: Int
  /// Prompt tokens for TTFT, and the context a decode step sees.
  public var contextTokens: Int
  /// Time to first token for a prompt of `contextTokens`, seconds.
  public var ttftSeconds: Double
  /// Time of one decode step at `contextTokens`, seconds.
  public var tpotSeconds: Double
  /// Requests at `contextTokens` that fit in memory.
  public var maxConcurrentRequests: Int
  /// Whether `batch` requests fit.
  public var fits: Bool
}

/// Evaluates a model over a grid of contexts, batches and device counts.
///
/// Per device count and context the prefill and decode graphs (of the
/// model with its repeated layers folded, ``ModelArchitecture/repeatedLayersFolded``)
/// are built at batches 1 and 2 and lowered to ``CompiledPhase``s, and memory is
/// sized once (the room a request's cache may take does not depend on the
/// batch); each batch then costs a pass over the operators' affine terms.
public enum ScenarioSweep {
  /// The points of the grid.
  ///
  /// Device counts the model cannot split over are skipped; contexts past
  /// the model's limit are evaluated as asked. The cache is held in `cacheFormat` (its type and any long-context
  /// technique: a quantized window, eviction, sinks and a window, page
  /// selection, pruned key channels); `attentionDensity` makes the prefill
  /// block-sparse (``GraphScenario/attentionDensity``).
  public static func run(
    _ model: ModelArchitecture, on device: DeviceSpec, contexts: [Int],
    batches: [Int],
    deviceCounts: [Int], weightType: DataType,
    weightQuantization: WeightQuantization? = nil, cacheFormat: StorageFormat,
    activationType: DataType = .bf16, efficiency: EfficiencyFactors,
    engine: EngineProfile = .minimal, calibration: KernelCalibration? = nil,
    attentionDensity: Double? = nil
  ) throws(PlanError) -> [SweepPoint] {
    let pricer = KernelPricer(
      device: device, efficiency: efficiency, calibration: calibration,
      engine: engine)
    let folded = model.repeatedLayersFolded
    var points: [SweepPoint] = []
    points.reserveCapacity(deviceCounts.count * contexts.count * batches.count)
    for count in deviceCounts {
      guard (try? model.checkTensorParallel(count)) != nil else { continue }
      let plan = ParallelPlan(tensorParallel: count)
      for context in contexts {
        let scenario = MemoryScenario(
          contextTokens: context, batch: 1,
          weightFormat: weightQuantization.map {
            .checkpoint($0, rest: weightType)
          } ?? .weights(weightType), cacheFormat: cacheFormat,
          activationDataType: activationType,
          plan: plan, allowBeyondModelContext: true)
        let memory = try MemoryModel.estimate(model, on: device, scenario)
        func graph(_ batch: Int) -> GraphScenario {
          var s = scenario
          s.batch = batch
          var g = GraphScenario(
            serving: s, promptTokens: context, outputTokens: 0, on: device)
          g.engine = engine
          g.attentionDensity = attentionDensity
          return g
        }
        let prefill = try CompiledPhase(
          one: OperatorGraphBuilder.prefill(folded, graph(1)),
          two: OperatorGraphBuilder.prefill(folded, graph(2)), pricer: pricer)
        let decode = try CompiledPhase(
          one: OperatorGraphBuilder.decode(folded, graph(1)),
          two: OperatorGraphBuilder.decode(folded, graph(2)), pricer: pricer)
        for batch in batches {
          let fits = memory.stages.allSatisfy {
            $0.freeBytes + $0.batchCacheBytes
              >= Double(batch) * $0.cacheBytesPerRequest
          }
          points.append(
            SweepPoint(
              devices: count, batch: batch, contextTokens: context,
              ttftSeconds: prefill.seconds(batch: batch),
              tpotSeconds: decode.seconds(batch: batch),
              maxConcurrentRequests: memory.maxConcurrentRequests,
              fits: fits))
        }
      }
    }
    return points
  }
}

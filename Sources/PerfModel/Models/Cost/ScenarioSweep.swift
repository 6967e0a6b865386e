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
public enum ScenarioSweep {
  /// The points of the grid, skipping device counts the model cannot split
  /// over; contexts past the model's limit are evaluated as asked.
  public static func run(
    _ model: ModelArchitecture, on device: DeviceSpec, contexts: [Int],
    batches: [Int],
    deviceCounts: [Int], weightType: DataType, cacheType: DataType,
    activationType: DataType = .bf16, efficiency: EfficiencyFactors
  ) throws(PlanError) -> [SweepPoint] {
    var points: [SweepPoint] = []
    for count in deviceCounts {
      guard (try? model.checkTensorParallel(count)) != nil else { continue }
      let plan = ParallelPlan(tensorParallel: count)
      for context in contexts {
        for batch in batches {
          let memory = try MemoryModel.estimate(
            model, on: device,
            MemoryScenario(
              contextTokens: context, batch: batch,
              weightFormat: .weights(weightType),
              cacheFormat: .cache(cacheType),
              activationDataType: activationType,
              plan: plan, allowBeyondModelContext: true))
          let graph = GraphScenario(
            batch: batch, promptTokens: context, contextTokens: context,
            plan: plan,
            weightFormat: .weights(weightType), cacheFormat: .cache(cacheType),
            activationDataType: activationType,
            sramBytes: device.sramBytesPerUnit ?? 65536)
          let prefill = try PhasePrediction.predict(
            OperatorGraphBuilder.prefill(model, graph), on: device,
            efficiency: efficiency)
          let decode = try PhasePrediction.predict(
            OperatorGraphBuilder.decode(model, graph), on: device,
            efficiency: efficiency)
          points.append(
            SweepPoint(
              devices: count, batch: batch, contextTokens: context,
              ttftSeconds: prefill.seconds, tpotSeconds: decode.seconds,
              maxConcurrentRequests: memory.maxConcurrentRequests,
              fits: memory.fits))
        }
      }
    }
    return points
  }
}

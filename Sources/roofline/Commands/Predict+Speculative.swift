import PerfIO
import PerfModel

extension RooflineCommand.Predict {
  /// Speculative decoding's step at the decode step's batch and context,
  /// and the best draft length.
  func speculative(
    _ draftName: String, acceptance: Double, target: ModelArchitecture,
    on device: DeviceSpec, graph: GraphScenario, prediction: ServingPrediction,
    efficiency: EfficiencyFactors, calibration: KernelCalibration?,
    catalog: Catalog
  ) throws -> PredictionReport.Speculative {
    let draft = try catalog.model(draftName)
    guard draft.vocabSize == target.vocabSize else {
      throw CommandError(
        "--draft-model \(draft.name): its vocabulary (\(draft.vocabSize) tokens) differs from \(target.name)'s (\(target.vocabSize)); a draft must share the target's tokenizer"
      )
    }
    do {
      try draft.checkPlan(graph.plan)
    } catch {
      throw CommandError(
        "--draft-model \(draft.name) cannot run in the target's split: \(error.message)"
      )
    }
    guard graph.cacheFormat.evictionBudgetTokens == nil else {
      throw CommandError(
        "--draft-model with --kv-budget-tokens is not modelled (the verification would read the evicted cache)"
      )
    }
    guard graph.plan.pipelineParallel == 1, graph.plan.contextParallel == 1
    else {
      throw CommandError(
        "--draft-model: speculative decoding over pipeline or context parallelism is not modelled; use --pp 1 --cp 1"
      )
    }
    var step = graph
    step.batch = prediction.batch
    step.contextTokens = graph.promptTokens + prediction.outputTokens / 2
    do {
      let asked = try SpeculativeDecoding.step(
        target: target, draft: draft, on: device, step,
        draftTokens: draftTokens, acceptance: acceptance,
        efficiency: efficiency, calibration: calibration)
      let best = try SpeculativeDecoding.best(
        target: target, draft: draft, on: device, step,
        acceptance: acceptance, efficiency: efficiency,
        calibration: calibration)
      return PredictionReport.Speculative(
        draftModel: draft.name, step: asked, best: best)
    } catch {
      throw CommandError("--draft-model: \(error.message)")
    }
  }
}

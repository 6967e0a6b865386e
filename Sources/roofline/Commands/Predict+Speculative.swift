import PerfIO
import PerfModel

extension RooflineCommand.Predict {
  /// Speculative decoding's step at the decode step's batch and context,
  /// and the best draft length.
  func speculative(
    _ draftName: String?, acceptance: Double, target: ModelArchitecture,
    on device: DeviceSpec, graph: GraphScenario, prediction: ServingPrediction,
    efficiency: EfficiencyFactors, calibration: KernelCalibration?,
    catalog: Catalog
  ) throws -> PredictionReport.Speculative {
    if draftEagle {
      return try eagle(
        acceptance: acceptance, target: target, on: device, graph: graph,
        prediction: prediction, efficiency: efficiency,
        calibration: calibration)
    }
    guard let draftName else {
      return try medusa(
        acceptance: acceptance, target: target, on: device, graph: graph,
        prediction: prediction, efficiency: efficiency,
        calibration: calibration)
    }
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
    let step = decodeStep(graph, prediction)
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

  /// Medusa heads' step at the decode step's batch and context, and the
  /// best number of heads.
  func medusa(
    acceptance: Double, target: ModelArchitecture, on device: DeviceSpec,
    graph: GraphScenario, prediction: ServingPrediction,
    efficiency: EfficiencyFactors, calibration: KernelCalibration?
  ) throws -> PredictionReport.Speculative {
    let step = try decodeStep(graph, prediction, flag: "--draft-heads")
    do {
      func price(_ heads: Int) throws(PlanError) -> SpeculativeDecoding.Step {
        try SpeculativeDecoding.medusaStep(
          target: target, on: device, step, heads: heads,
          acceptance: acceptance, efficiency: efficiency,
          calibration: calibration)
      }
      return PredictionReport.Speculative(
        draftModel: "Medusa heads", step: try price(draftTokens),
        best: try SpeculativeDecoding.best(price))
    } catch {
      throw CommandError("--draft-heads: \(error.message)")
    }
  }

  /// An EAGLE draft's step at the decode step's batch and context, and
  /// the best draft length.
  func eagle(
    acceptance: Double, target: ModelArchitecture, on device: DeviceSpec,
    graph: GraphScenario, prediction: ServingPrediction,
    efficiency: EfficiencyFactors, calibration: KernelCalibration?
  ) throws -> PredictionReport.Speculative {
    let step = try decodeStep(graph, prediction, flag: "--draft-eagle")
    guard let draft = SpeculativeDecoding.eagleGraph(target, step) else {
      throw CommandError(
        "--draft-eagle: an EAGLE draft is one dense decoder layer, modelled for targets whose first layer is attention and an MLP; \(target.name)'s is not"
      )
    }
    do {
      func price(_ gamma: Int) throws(PlanError) -> SpeculativeDecoding.Step {
        try SpeculativeDecoding.eagleStep(
          target: target, on: device, step, draft: draft, draftTokens: gamma,
          acceptance: acceptance, efficiency: efficiency,
          calibration: calibration)
      }
      return PredictionReport.Speculative(
        draftModel: "EAGLE layer", step: try price(draftTokens),
        best: try SpeculativeDecoding.best(price))
    } catch {
      throw CommandError("--draft-eagle: \(error.message)")
    }
  }

  /// ``decodeStep(_:_:)`` for drafts that run on the target's devices
  /// (`flag`'s), refusing what their pricing does not model.
  func decodeStep(
    _ graph: GraphScenario, _ prediction: ServingPrediction, flag: String
  ) throws -> GraphScenario {
    guard graph.cacheFormat.evictionBudgetTokens == nil,
      graph.plan.pipelineParallel == 1, graph.plan.contextParallel == 1
    else {
      throw CommandError(
        "\(flag) with --kv-budget-tokens, --pp or --cp is not modelled")
    }
    return decodeStep(graph, prediction)
  }

  /// The decode step's scenario: `prediction`'s batch per replica at the
  /// mean context of generation, as `predict`'s TPOT is priced.
  func decodeStep(_ graph: GraphScenario, _ prediction: ServingPrediction)
    -> GraphScenario
  {
    var step = graph
    step.batch = prediction.batch
    step.contextTokens = graph.promptTokens + prediction.outputTokens / 2
    return step
  }
}

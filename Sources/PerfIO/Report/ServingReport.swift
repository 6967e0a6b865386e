import Foundation
import PerfModel

/// The sections of a workload report: a scenario's prediction and memory,
/// the roofline with its operators, context sweeps, memory across contexts
/// and the cost of deployments, each a chart with the table behind it.
public struct ServingReport: Sendable {
  /// The model reported on.
  public var model: ModelArchitecture
  /// The hardware target's name (`dgx-h100`).
  public var hardwareName: String
  /// The device the model runs on.
  public var device: DeviceSpec
  /// The scenario (context, batch, formats, split).
  public var scenario: MemoryScenario
  /// Prompt tokens per request.
  public var promptTokens: Int
  /// Output tokens per request.
  public var outputTokens: Int
  /// Contexts the sweeps and the memory chart visit.
  public var contexts: [Int]
  /// Models swept beside ``model``.
  public var comparisons: [ModelArchitecture]
  /// Devices the cost search tries.
  public var priced: [DeviceSpec]
  /// Latency targets of the cost search.
  public var ttftSeconds: Double
  /// See ``ttftSeconds``.
  public var tpotSeconds: Double
  /// Efficiency factors of every prediction.
  public var efficiency = EfficiencyFactors.defaults
  /// The engine whose kernels every prediction prices.
  public var engine = EngineProfile.minimal
  /// Devices one scale-up fabric joins (the target's nodes).
  public var devicesPerNode = Int.max

  /// Creates a report builder.
  public init(
    model: ModelArchitecture, hardwareName: String, device: DeviceSpec,
    scenario: MemoryScenario, promptTokens: Int, outputTokens: Int,
    contexts: [Int], comparisons: [ModelArchitecture], priced: [DeviceSpec],
    ttftSeconds: Double, tpotSeconds: Double
  ) {
    self.model = model
    self.hardwareName = hardwareName
    self.device = device
    self.scenario = scenario
    self.promptTokens = promptTokens
    self.outputTokens = outputTokens
    self.contexts = contexts
    self.comparisons = comparisons
    self.priced = priced
    self.ttftSeconds = ttftSeconds
    self.tpotSeconds = tpotSeconds
  }

  var plan: ParallelPlan { scenario.plan }

  var scenarioLine: String {
    "prompt \(promptTokens), output \(outputTokens) tokens, batch \(scenario.batch); TP \(plan.tensorParallel), PP \(plan.pipelineParallel), DP \(plan.dataParallel)"
  }

  /// The scenario's prediction with its summary section.
  ///
  /// - Throws: ``PlanError`` when the scenario cannot run on the device.
  public func summary() throws(PlanError) -> (
    section: ReportDocument.Section, prediction: ServingPrediction
  ) {
    try model.checkTensorParallel(plan.tensorParallel)
    var graph = GraphScenario(
      serving: scenario, promptTokens: promptTokens,
      outputTokens: outputTokens, on: device, devicesPerNode: devicesPerNode)
    graph.engine = engine
    var prediction = try ServingPrediction.predict(
      model, on: device, graph, outputTokens: outputTokens,
      efficiency: efficiency, calibration: device.calibration)
    prediction.requests = scenario.batch
    var fit = scenario
    fit.contextTokens = promptTokens + outputTokens
    let memory = try MemoryModel.estimate(model, on: device, fit)
    let report = PredictionReport(
      model: model.name, hardware: hardwareName, plan: plan,
      promptTokens: promptTokens, prediction: prediction, fits: memory.fits,
      calibration: device.calibration, engine: engine)
    let memoryReport = MemoryReport(
      model: model.name, hardware: hardwareName, device: device.name,
      scenario: fit, estimate: memory)
    let section = ReportDocument.Section(
      "Summary",
      [
        .paragraph(
          "\(model.name) on \(hardwareName) (\(device.displayName)): \(scenarioLine)."
        ),
        .preformatted(report.text(operators: false)),
        .table(name: "prediction", report.table(operators: false)),
        .table(name: "operators", report.table(operators: true)),
        .preformatted(memoryReport.text()),
        .table(name: "memory", memoryReport.table()),
      ])
    return (section, prediction)
  }

  /// The roofline section: the device's ceilings, the operators of both
  /// phases and any measured kernels.
  public func roofline(
    _ prediction: ServingPrediction, measured: [MeasuredPoint]
  ) -> ReportDocument.Section {
    let chart = RooflineChart.chart(
      device: device, dataType: scenario.activationDataType,
      phases: [prediction.prefill, prediction.decode], measured: measured,
      subtitle: "\(model.name): \(scenarioLine)")
    var table = ReportTable(columns: [
      "ceiling", "kind", "value_per_second", "ridge_flop_per_byte",
    ])
    let ceilings = RooflineChart.ceilings(of: device)
    let peak = device.compute.peakFLOPsPerSecond(scenario.activationDataType)
    for c in ceilings {
      table.append([
        c.name, c.isBandwidth ? "bandwidth_bytes" : "compute_flops",
        "\(c.value)", c.isBandwidth ? peak.map { "\($0 / c.value)" } ?? "" : "",
      ])
    }
    return ReportDocument.Section(
      "Roofline",
      [
        .paragraph(
          "Ceilings of \(device.displayName): compute peaks per data type and the bandwidth of each memory level and the host link; ridge points where a bandwidth meets a peak. Points are the operators of one prefill (filled) and one decode step (open) at their arithmetic intensity and the FLOP/s the model predicts they attain."
            + (measured.isEmpty
              ? ""
              : " Measured kernels from the run store sit beside their predictions.")
        ),
        .chart(name: "roofline", svg: chart.svg()),
        .table(name: "ceilings", table),
      ])
  }

  /// The sweep section: TTFT, TPOT and max concurrency against context.
  ///
  /// - Throws: ``PlanError`` when a model cannot be swept on the device.
  public func sweeps() throws(PlanError) -> ReportDocument.Section {
    var models: [(name: String, points: [SweepPoint])] = []
    var table = ReportTable(columns: [
      "model", "devices", "batch", "context_tokens", "ttft_seconds",
      "tpot_seconds", "max_concurrent_requests", "fits",
    ])
    for m in [model] + comparisons {
      let count =
        (try? m.checkTensorParallel(plan.tensorParallel)) != nil
        ? plan.tensorParallel : 1
      // The reported model in the scenario's types; the others in their
      // checkpoints' (Mamba's fp32 would not be Mistral's bf16).
      let own = m.name == model.name
      let points = try ScenarioSweep.run(
        m, on: device, contexts: contexts, batches: [scenario.batchPerReplica],
        deviceCounts: [count],
        weightType: own
          ? scenario.weightFormat.dataType
          : m.weightFormat(override: nil).dataType,
        weightQuantization: own
          ? scenario.weightFormat.quantization
          : m.weightFormat(override: nil).quantization,
        cacheFormat: .cache(
          own ? scenario.cacheFormat.dataType : m.weightDataType),
        activationType: scenario.activationDataType, efficiency: efficiency,
        engine: engine, calibration: device.calibration)
      models.append((count == 1 ? m.name : "\(m.name) (TP \(count))", points))
      for p in points {
        table.append([
          m.name, String(p.devices), String(p.batch), String(p.contextTokens),
          "\(p.ttftSeconds)", "\(p.tpotSeconds)",
          String(p.maxConcurrentRequests), p.fits ? "true" : "false",
        ])
      }
    }
    let note =
      "batch \(scenario.batchPerReplica) per replica; \(device.displayName)"
    return ReportDocument.Section(
      "Against context",
      [
        .paragraph(
          "Each point: the prefill of a prompt of the context (TTFT), one decode step at the context (TPOT), and how many requests of that context fit in memory (\(model.name) in the scenario's data types, compared models in their checkpoints'). A transformer's KV cache grows with context while an SSM's state does not, so their concurrency curves cross."
        ),
        .chart(
          name: "ttft",
          svg: SweepCharts.chart(
            .ttft, models: models, device: hardwareName, subtitle: note
          ).svg()),
        .chart(
          name: "tpot",
          svg: SweepCharts.chart(
            .tpot, models: models, device: hardwareName, subtitle: note
          ).svg()),
        .chart(
          name: "concurrency",
          svg: SweepCharts.chart(
            .concurrency, models: models, device: hardwareName, subtitle: note
          ).svg()),
        .table(name: "sweep", table),
      ])
  }

  /// The memory section: per-device memory against context.
  ///
  /// - Throws: ``PlanError`` when the scenario cannot be sized.
  public func memory() throws(PlanError) -> ReportDocument.Section {
    var estimates: [MemoryEstimate] = []
    var table = ReportTable(columns: [
      "context_tokens", "capacity_bytes", "weight_bytes", "cache_bytes",
      "activation_bytes", "reserve_bytes", "free_bytes", "fits",
    ])
    for context in contexts {
      var s = scenario
      s.contextTokens = context
      s.allowBeyondModelContext = true
      let e = try MemoryModel.estimate(model, on: device, s)
      estimates.append(e)
      let d = e.stages[e.bindingStage]
      table.append([
        String(context), "\(d.capacityBytes)", "\(d.weightBytes)",
        "\(d.batchCacheBytes)", "\(d.workspaceBytes)", "\(d.reserveBytes)",
        "\(d.freeBytes)", e.fits ? "true" : "false",
      ])
    }
    let chart = MemoryChart.chart(
      contexts: contexts, estimates: estimates, device: device.displayName,
      subtitle:
        "\(model.name), batch \(scenario.batch); the device of the stage that runs out first"
    )
    return ReportDocument.Section(
      "Memory",
      [
        .chart(name: "memory", svg: chart.svg()),
        .table(name: "memory-by-context", table),
      ])
  }

  /// The cost section: deployments on priced devices meeting the targets.
  public func cost() -> ReportDocument.Section {
    let result = DeploymentPlanner.search(
      model, devices: priced,
      request: {
        var request = DeploymentPlanner.Request(
          promptTokens: promptTokens, outputTokens: outputTokens,
          ttftSeconds: ttftSeconds, tpotSeconds: tpotSeconds)
        request.engine = engine
        return request
      }(),
      weightType: scenario.weightFormat.dataType,
      weightQuantization: scenario.weightFormat.quantization,
      cacheFormat: .cache(scenario.cacheFormat.dataType),
      activationType: scenario.activationDataType, efficiency: efficiency)
    var table = ReportTable(columns: [
      "device", "devices", "tp", "pp", "batch", "ttft_seconds", "tpot_seconds",
      "output_tokens_per_second", "usd_per_hour",
      "usd_per_million_output_tokens", "pareto",
    ])
    // A configuration is its device, split and batch: two splits of one
    // device count are two rows.
    func key(_ c: DeploymentPlanner.Candidate) -> String {
      "\(c.device)|\(c.devices)|\(c.tensorParallel)|\(c.pipelineParallel)|\(c.batch)"
    }
    let front = Set(result.pareto.map(key))
    for c in result.feasible {
      table.append([
        c.device, String(c.devices), String(c.tensorParallel),
        String(c.pipelineParallel), String(c.batch), "\(c.ttftSeconds)",
        "\(c.tpotSeconds)", "\(c.outputTokensPerSecond)",
        "\(c.cost.usdPerHour)",
        "\(c.cost.usdPerMillionOutputTokens)",
        front.contains(key(c)) ? "true" : "false",
      ])
    }
    let targets = String(
      format: "TTFT ≤ %.0f ms, TPOT ≤ %.0f ms; prompt %d, output %d tokens",
      ttftSeconds * 1000, tpotSeconds * 1000, promptTokens, outputTokens)
    guard !result.feasible.isEmpty else {
      return ReportDocument.Section(
        "Cost",
        [
          .paragraph(
            "No deployment on \(priced.map(\.name).joined(separator: ", ")) meets \(targets); binding constraint: \(result.binding ?? "unknown")."
          )
        ])
    }
    return ReportDocument.Section(
      "Cost",
      [
        .paragraph(
          "Every device with an on-demand price, 1, 2, 4 and 8 of them split as tensor × pipeline parallelism (pipelines of up to 4 stages), batches 1 to 256; the \(result.feasible.count) configurations meeting \(targets). The line is the Pareto front: nothing else is both cheaper and faster."
        ),
        .chart(
          name: "cost", svg: SweepCharts.cost(result, subtitle: targets).svg()),
        .table(name: "deployments", table),
      ])
  }
}

import Foundation
import PerfIO
import PerfModel

/// What the CLI does with a file it accepts, run on every accepted input.
enum FuzzUse {
  /// The catalogue of the working directory (run from the repository).
  static let catalog = Catalog(root: FileManager.default.currentDirectoryPath)
  /// A model priced on every fuzzed device.
  static let referenceModel = try? catalog.model("llama-3-8b")

  /// Sizes `model` at two contexts and batches, predicts a serving step,
  /// and encodes it as `workload show --format json` does.
  static func model(_ model: ModelArchitecture, on device: DeviceSpec) {
    _ = JSONOutput.encode(model)
    for (context, batch) in [(1, 1), (4096, 8)] {
      let scenario = MemoryScenario(
        contextTokens: context, batch: batch,
        weightFormat: .weights(model.weightDataType),
        cacheFormat: .cache(model.weightDataType),
        allowBeyondModelContext: true)
      guard
        let estimate = try? MemoryModel.estimate(model, on: device, scenario)
      else { continue }
      // Formatted as `memory` prints it, in all three formats.
      let memory = MemoryReport(
        model: model.name, hardware: device.name, device: device.name,
        scenario: scenario, estimate: estimate)
      _ = memory.text()
      _ = memory.table().csv()
      _ = JSONOutput.encode(memory)
      let graph = GraphScenario(
        serving: scenario, promptTokens: max(1, context / 2),
        outputTokens: context / 2, on: device)
      guard
        let prediction = try? ServingPrediction.predict(
          model, on: device, graph, outputTokens: context / 2,
          efficiency: .defaults)
      else { continue }
      // And as `predict --ops` prints it.
      let report = PredictionReport(
        model: model.name, hardware: device.name, plan: scenario.plan,
        promptTokens: max(1, context / 2), prediction: prediction,
        fits: estimate.fits)
      _ = report.text(operators: true)
      _ = report.table(operators: true).json()
    }
  }

  /// Sizes and prices the reference model on `device`.
  static func device(_ device: DeviceSpec) {
    guard let model = referenceModel else { return }
    self.model(model, on: device)
  }

  /// Predicts and fits the kernels as `validate --measured` does.
  static func kernels(_ kernels: [MeasuredKernel], on device: DeviceSpec) {
    _ = try? KernelValidation(
      kernels.map { ($0.workload, $0.medianSeconds) }, on: device,
      source: "fuzz")
  }
}

extension DeviceSpec {
  /// The H100 SXM descriptor of the catalogue, or the first device found.
  static let fuzzReference: DeviceSpec = {
    if let device = try? FuzzUse.catalog.device("h100-sxm") { return device }
    FileHandle.standardError.write(
      Data(
        "run the fuzzer from the repository root (no hardware/h100-sxm.yaml here)\n"
          .utf8))
    exit(2)
  }()

}

extension FuzzUse {
  /// Simulates the first 64 requests of a trace on the reference model,
  /// with and without prefix caching, and formats the summary as
  /// `simulate` does.
  static func trace(_ requests: [ServingRequest], on device: DeviceSpec) {
    guard let model = referenceModel else { return }
    let memory = MemoryScenario(
      contextTokens: 4096, weightFormat: .weights(.bf16),
      cacheFormat: .cache(.bf16), allowBeyondModelContext: true)
    guard let estimate = try? MemoryModel.estimate(model, on: device, memory)
    else { return }
    let pool = CachePool(estimate.stages[estimate.bindingStage])
    var graph = GraphScenario(
      serving: memory, promptTokens: 1, outputTokens: 1, on: device)
    graph.engine = .torch
    guard
      let pricer = try? IterationPricer(
        model, on: device, graph, efficiency: .defaults)
    else { return }
    let few = Array(requests.prefix(64))
    for caching in [false, true] {
      guard
        let result = try? ServingSimulator.run(
          few, replicas: 2,
          policy: SchedulerPolicy(
            kind: .continuous, maxSequences: 16, tokenBudget: 512,
            prefixCaching: caching),
          pricer: pricer, pool: pool)
      else { continue }
      let report = SimulationReport(
        model: model.name, hardware: device.name, replicas: 2,
        tensorParallel: 1, engine: "torch", scheduler: "fuzz",
        workload: "fuzz", cacheTokensPerReplica: 0,
        summary: SimulationSummary(result), uncalibratedClasses: [],
        notModelled: [])
      _ = report.text()
      _ = report.table().csv()
      _ = JSONOutput.encode(report)
      _ = SimulationReport.requestsCSV(result.requests)
    }
  }
}

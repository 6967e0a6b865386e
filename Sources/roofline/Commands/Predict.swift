import ArgumentParser
import PerfIO
import PerfModel

extension RooflineCommand {
  /// `roofline predict`: TTFT, TPOT, throughput, and what bounds each operator.
  struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Predict TTFT, TPOT and throughput of one scenario, operator by operator.",
      discussion: """
        TTFT is the prefill of every prompt in the batch at once; TPOT is one decode step
        at the mean context of generation (prompt + output/2); end-to-end is TTFT plus
        output × TPOT. Each operator takes max(compute, memory, link) plus a launch
        overhead, scaled by the efficiency factors printed with the answer.
        """)

    @OptionGroup var serving: ScenarioOptions
    @Option(help: "Fraction of the compute peak reached.")
    var computeEfficiency = 0.7
    @Option(help: "Fraction of memory bandwidth reached.")
    var memoryEfficiency = 0.8
    @Option(help: "Fraction of link bandwidth reached.") var linkEfficiency =
      0.7
    @Option(
      name: .customLong("launch-us"), help: "Microseconds per operator launch.")
    var launchMicroseconds = 4.0
    @Flag(help: "Print every operator with its time and limiter.") var ops =
      false
    @Flag(
      help:
        "Ignore the descriptor's fitted factors (calibration:) and its error bands."
    )
    var ignoreCalibration = false
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      for (flag, value) in [
        ("--compute-efficiency", computeEfficiency),
        ("--memory-efficiency", memoryEfficiency),
        ("--link-efficiency", linkEfficiency),
      ] where !(value > 0 && value <= 1) {
        throw ValidationError("\(flag) must be in (0, 1], got \(value)")
      }
      if !(launchMicroseconds >= 0) {
        throw ValidationError("--launch-us must be 0 or more")
      }
    }

    func run() throws {
      let r = try serving.resolve(catalog.load())
      let device = r.target.device
      let efficiency = EfficiencyFactors(
        compute: computeEfficiency, memory: memoryEfficiency,
        link: linkEfficiency,
        launchSeconds: launchMicroseconds * 1e-6,
        linkLatencySeconds: EfficiencyFactors.defaults.linkLatencySeconds)
      let graph = GraphScenario(
        serving: r.scenario, promptTokens: r.promptTokens,
        outputTokens: r.outputTokens, on: device)
      let calibration = ignoreCalibration ? nil : device.calibration
      let prediction: ServingPrediction
      let memory: MemoryEstimate
      do {
        try r.model.checkTensorParallel(graph.plan.tensorParallel)
        prediction = try ServingPrediction.predict(
          r.model, on: device, graph, outputTokens: r.outputTokens,
          efficiency: efficiency, calibration: calibration)
        var fit = r.scenario
        fit.contextTokens = r.promptTokens + r.outputTokens
        memory = try MemoryModel.estimate(r.model, on: device, fit)
      } catch {
        throw CommandError(planError: error, defaultedTP: r.defaultedTP)
      }
      let report = PredictionReport(
        model: r.model.name, hardware: r.target.name, plan: graph.plan,
        promptTokens: r.promptTokens, prediction: prediction, fits: memory.fits,
        calibration: calibration)
      try output.emit(
        table: { report.text(operators: ops) },
        csv: { report.table(operators: ops).csv() },
        json: { JSONOutput.encode(report) })
    }
  }
}

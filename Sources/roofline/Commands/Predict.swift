import ArgumentParser
import Foundation
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
        overhead, scaled by the efficiency factors printed with the answer. With --pp,
        micro-batches run the GPipe schedule and the bubbles are printed; --cp splits
        the prompt (ring attention or Ulysses); --ep gives ranks whole experts reached
        by all-to-all; --chunk-tokens and --cached-prefix-tokens model chunked prefill
        and prefix caching. The context switch row is Fu's: one request's KV cache
        swapped to host memory and back over the host link, against its recompute.
        """)

    @OptionGroup var serving: ScenarioOptions
    @Option(
      parsing: .unconditional, help: "Fraction of the compute peak reached.")
    var computeEfficiency = 0.7
    @Option(
      parsing: .unconditional, help: "Fraction of memory bandwidth reached.")
    var memoryEfficiency = 0.8
    @Option(
      parsing: .unconditional, help: "Fraction of link bandwidth reached.")
    var linkEfficiency =
      0.7
    @Option(
      name: .customLong("launch-us"), parsing: .unconditional,
      help: "Microseconds per operator launch.")
    var launchMicroseconds = 4.0
    @Option(
      name: .customLong("link-latency-us"), parsing: .unconditional,
      help:
        "Microseconds per collective step on every link (default: each link's latency_seconds in the descriptor, else 5)."
    )
    var linkLatencyMicroseconds: Double?
    @Option(
      name: .customLong("chunk-tokens"), parsing: .unconditional,
      help:
        "Prefill the prompt in chunks of this many tokens (chunked prefill).")
    var chunkTokens: Int?
    @Option(
      name: .customLong("cached-prefix-tokens"), parsing: .unconditional,
      help: "Leading prompt tokens whose KV cache is reused (prefix caching).")
    var cachedPrefixTokens = 0
    @Option(
      name: .customLong("prefix-on"),
      help: "Where the reused prefix waits.")
    var prefixOn: PrefillOptions.PrefixLocation = .device
    @Flag(
      name: .customLong("allow-overflow"),
      help:
        "Time a deployment that does not fit in memory (refused otherwise).")
    var allowOverflow = false
    @OptionGroup var engine: EngineOption
    @Option(
      name: .customLong("draft-model"),
      help: ArgumentHelp(
        "Speculative decoding: a draft model (workload name, YAML or config.json) proposing --draft-tokens a step.",
        discussion:
          "Priced on the target's devices and split: γ draft decode steps and one verification pass of γ + 1 tokens a sequence; tokens a step (1 − α^(γ+1))/(1 − α) (Leviathan et al. 2023). Also prints the best γ (1–16) at --acceptance."
      ))
    var draftModel: String?
    @Flag(
      name: .customLong("draft-heads"),
      help:
        "Speculative decoding with Medusa heads on the target (--draft-tokens of them, each a residual block and an LM head) instead of a draft model."
    )
    var draftHeads = false
    @Flag(
      name: .customLong("draft-eagle"),
      help:
        "Speculative decoding with an EAGLE draft: one decoder layer of the target's shape on its features (an fc of 2h → h, its own cache) and the target's LM head, --draft-tokens steps (Li et al. 2024); dense targets."
    )
    var draftEagle = false
    @Option(
      name: .customLong("draft-tokens"), parsing: .unconditional,
      help: "Speculative decoding: tokens the draft proposes a step (γ).")
    var draftTokens = 4
    @Option(
      parsing: .unconditional,
      help:
        "Speculative decoding: the chance each drafted token is accepted (α, 0 to 1)."
    )
    var acceptance: Double?
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
      if let chunkTokens, chunkTokens < 1 {
        throw ValidationError("--chunk-tokens must be at least 1")
      }
      if cachedPrefixTokens < 0 {
        throw ValidationError("--cached-prefix-tokens must be 0 or more")
      }
      let drafts = [draftModel != nil, draftHeads, draftEagle].filter { $0 }
      if drafts.count > 1 {
        throw ValidationError(
          "give one of --draft-model, --draft-heads or --draft-eagle, not both")
      }
      if !drafts.isEmpty {
        guard let a = acceptance else {
          throw ValidationError(
            "--draft-model, --draft-heads and --draft-eagle need --acceptance, the chance a drafted token is accepted (0 to 1)"
          )
        }
        if !(a >= 0 && a <= 1) {
          throw ValidationError("--acceptance must be in [0, 1], got \(a)")
        }
        if !(1...64).contains(draftTokens) {
          throw ValidationError(
            "--draft-tokens must be 1 to 64, got \(draftTokens)")
        }
      } else if acceptance != nil {
        throw ValidationError(
          "--acceptance applies to speculative decoding: give --draft-model, --draft-heads or --draft-eagle too"
        )
      }
      if let v = linkLatencyMicroseconds, !(v >= 0 && v <= 1e6) {
        throw ValidationError(
          "--link-latency-us must be 0 to 1000000 microseconds, got \(v)")
      }
    }

    func run() throws {
      let r = try serving.resolve(catalog.load())
      var device = r.target.device
      var latency = EfficiencyFactors.defaults.linkLatencySeconds
      var latencySource = "default"
      if let v = linkLatencyMicroseconds {
        // The flag replaces every link's latency, the descriptor's too.
        latency = v * 1e-6
        latencySource = "--link-latency-us"
        device.interconnect.scaleUp?.latencySeconds = latency
        device.interconnect.hostLink?.latencySeconds = latency
        device.interconnect.scaleOut?.latencySeconds = latency
      } else if let given = device.interconnect.scaleUp?.latencySeconds {
        latency = given
        latencySource = "descriptor"
      }
      let efficiency = EfficiencyFactors(
        compute: computeEfficiency, memory: memoryEfficiency,
        link: linkEfficiency,
        launchSeconds: launchMicroseconds * 1e-6,
        linkLatencySeconds: linkLatencyMicroseconds.map { $0 * 1e-6 }
          ?? EfficiencyFactors.defaults.linkLatencySeconds)
      var graph = GraphScenario(
        serving: r.scenario, promptTokens: r.promptTokens,
        outputTokens: r.outputTokens, on: device,
        devicesPerNode: r.target.devicesPerNode)
      graph.engine = try engine.profile()
      graph.attentionDensity = serving.cache.attentionDensity
      let calibration = ignoreCalibration ? nil : device.calibration
      let options = PrefillOptions(
        chunkTokens: chunkTokens, cachedPrefixTokens: cachedPrefixTokens,
        prefixLocation: prefixOn)
      var prediction: ServingPrediction
      let memory: MemoryEstimate
      var fit = r.scenario
      fit.contextTokens = r.promptTokens + r.outputTokens
      var withoutReuse: Double?
      let contextSwitch: OffloadModel.ContextSwitch
      do {
        func predict(_ g: GraphScenario, _ o: PrefillOptions) throws(PlanError)
          -> ServingPrediction
        {
          try ServingPrediction.predict(
            r.model, on: device, g, outputTokens: r.outputTokens,
            efficiency: efficiency, calibration: calibration, prefill: o)
        }
        prediction = try predict(graph, options)
        prediction.requests = r.scenario.batch
        if cachedPrefixTokens > 0 {
          var whole = options
          whole.cachedPrefixTokens = 0
          withoutReuse = try predict(graph, whole).ttftSeconds
        }
        memory = try MemoryModel.estimate(r.model, on: device, fit)
        // Rebuilding one evicted request: a prefill of its whole context,
        // alone, in the same split.
        var one = graph
        one.batch = 1
        one.promptTokens = fit.contextTokens
        one.plan.microBatches = 1
        let rebuild = try predict(one, PrefillOptions(chunkTokens: chunkTokens))
        contextSwitch = OffloadModel.contextSwitch(
          bytesPerDevice: memory.stages[memory.bindingStage]
            .cacheBytesPerRequest,
          recomputeSeconds: rebuild.ttftSeconds, on: device,
          efficiency: efficiency)
      } catch {
        throw CommandError(
          planError: error, defaultedTP: r.defaultedTP,
          contextSource: r.contextSource)
      }
      try OverflowCheck.check(memory, scenario: fit, allowed: allowOverflow)
      var report = PredictionReport(
        model: r.model.name, hardware: r.target.name, plan: graph.plan,
        promptTokens: r.promptTokens, prediction: prediction, fits: memory.fits,
        calibration: calibration, engine: graph.engine)
      report.cachedPrefixTokens = cachedPrefixTokens
      report.ttftWithoutReuseSeconds = withoutReuse
      report.contextSwitch = contextSwitch
      if let price = device.price {
        report.cost = DeploymentCost(
          prediction, promptTokens: r.promptTokens, devices: graph.plan.devices,
          usdPerDeviceHour: price.usdPerHour)
        report.priceBasis = "\(price.basis), \(price.date)"
      }
      report.memory = memory.stages[memory.bindingStage]
      report.linkLatency = PredictionReport.LinkLatency(
        seconds: latency, source: latencySource)
      if draftModel != nil || draftHeads || draftEagle, let acceptance {
        report.speculative = try speculative(
          draftModel, acceptance: acceptance, target: r.model, on: device,
          graph: graph, prediction: prediction, efficiency: efficiency,
          calibration: calibration, catalog: catalog.load())
      }
      if serving.cache.duoRetrievalFraction != nil {
        FileHandle.standardError.write(
          Data(
            "note: DuoAttention's streaming heads are priced as full attention in the prefill (their windowed prefill is not modelled)\n"
              .utf8))
      }
      try output.emit(
        table: { report.text(operators: ops) },
        csv: { report.table(operators: ops).csv() },
        json: { JSONOutput.encode(report) })
    }
  }
}

import ArgumentParser
import Foundation
import PerfIO
import PerfModel

extension SchedulerPolicy.Kind: ExpressibleByArgument {}
extension SchedulerPolicy.Preemption: ExpressibleByArgument {}

extension RooflineCommand {
  /// `roofline simulate`: requests arriving at replicas of a deployment,
  /// batched as an engine batches them, each pass priced by the one model.
  struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Simulate a stream of requests on replicas of a deployment: TTFT, time between tokens, throughput, goodput.",
      discussion: """
        Requests arrive (Poisson or gamma at --rate, or a --trace CSV), go to the replicas
        in turn (devices / tp of them), and each replica batches them as --scheduler says:
        continuous batching with chunked prefill under --token-budget (vLLM v1,
        Sarathi-Serve), or static batching. The KV cache is paged in --block-tokens blocks
        over the memory the weights leave; a sequence that finds no free block preempts
        the newest running one, which later prefills again (recompute). Every pass is
        priced by the evaluator predict uses, with the descriptor's calibration.
        """)

    @OptionGroup var serving: ScenarioOptions
    @OptionGroup var engine: EngineOption
    @OptionGroup var hostProbe: HostProbeOptions

    @Option(
      help: "A trace CSV (arrival_seconds, prompt_tokens, output_tokens).")
    var trace: String?
    @Option(
      parsing: .unconditional,
      help: "Requests per second over the deployment (generated workloads).")
    var rate: Double?
    @Option(help: "Arrival process of a generated workload: poisson or gamma.")
    var arrivals = "poisson"
    @Option(
      parsing: .unconditional,
      help: "Coefficient of variation of gamma gaps (1 is Poisson).")
    var cv = 1.0
    @Option(
      name: .customLong("requests"), parsing: .unconditional,
      help: "Requests in a generated workload.")
    var requestCount = 1000
    @Option(
      help:
        "Lengths of a generated workload: chat (ShareGPT means), summarization (CNN/DailyMail means), or fixed (--prompt-tokens, --output-tokens)."
    )
    var lengths = "chat"
    @Option(parsing: .unconditional, help: "Seed of a generated workload.")
    var seed: UInt64 = 1

    @Option(help: "Batching: continuous or static.")
    var scheduler: SchedulerPolicy.Kind = .continuous
    @Option(
      name: .customLong("max-seqs"), parsing: .unconditional,
      help: "Sequences a replica runs at once.")
    var maxSequences = 256
    @Option(
      name: .customLong("token-budget"), parsing: .unconditional,
      help: "Tokens one pass may process (continuous batching).")
    var tokenBudget = 8192
    @Flag(
      name: .customLong("no-chunked-prefill"),
      help: "Prefill each prompt whole in one pass.")
    var noChunkedPrefill = false
    @Option(
      name: .customLong("block-tokens"), parsing: .unconditional,
      help: "Tokens per KV-cache block.")
    var blockTokens = 16
    @Option(
      help: ArgumentHelp(
        "Prefill–decode disaggregation: P,D replicas that prefill and that decode (each of --tp devices).",
        discussion:
          "Each request's prompt cache crosses the scale-up link when all (P + D) × tp devices fit in one node of the hardware, else the scale-out link, at 0.7 of its bandwidth plus its latency."
      ))
    var disaggregate: String?
    @Option(
      help:
        "When the cache runs out: recompute (free the newest sequence's blocks; it prefills again) or swap (copy them to host memory and back over the host link)."
    )
    var preemption: SchedulerPolicy.Preemption = .recompute
    @Flag(
      name: .customLong("prefix-caching"),
      help:
        "Share the cached blocks of a prefix group's prompt prefix (the trace's prefix_group, or --shared-prefix-tokens)."
    )
    var prefixCaching = false
    @Option(
      name: .customLong("shared-prefix-tokens"), parsing: .unconditional,
      help:
        "Generated workloads: prepend one of --prefix-groups shared prefixes of this many tokens to every prompt."
    )
    var sharedPrefixTokens = 0
    @Option(
      name: .customLong("prefix-groups"), parsing: .unconditional,
      help: "Generated workloads: distinct shared prefixes.")
    var prefixGroups = 1

    @Option(
      name: .customLong("ttft-slo-ms"), parsing: .unconditional,
      help: "Goodput objective: the most TTFT, milliseconds.")
    var ttftObjective: Double?
    @Option(
      name: .customLong("tpot-slo-ms"), parsing: .unconditional,
      help: "Goodput objective: the most mean time per output token, ms.")
    var tpotObjective: Double?

    @Option(help: "Write each request's outcome to this CSV.")
    var requestsCsv: String?
    @Option(help: "Write each pass (iteration) to this CSV.")
    var iterationsCsv: String?
    @Option(
      name: .customLong("unequal-lengths"),
      help: ArgumentHelp(
        "A CSV of decode attention timed over unequal cache lengths (tools/serving_kernels.py): price a pass's tail past its mean length.",
        discussion:
          "Without it a decode pass is priced at its sequences' mean cache length, and the output says so."
      ))
    var unequalLengths: String?
    @Option(help: "Write the generated workload as a trace CSV.")
    var saveTrace: String?
    @Option(
      help:
        "Write a report folder: report.md, report.html, latency CDFs and load over time (SVG), and the CSVs."
    )
    var report: String?
    @Flag(
      help:
        "Ignore the descriptor's fitted factors (calibration:) and its error bands."
    )
    var ignoreCalibration = false
    @Flag(
      help:
        "Print the simulation's own speed (passes per second) to standard error."
    )
    var timing = false
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    func workload(_ r: ScenarioOptions.Resolved) throws -> [ServingRequest] {
      if let trace { return try TraceCSV.load(trace) }
      let profile =
        WorkloadGenerator.lengths(
          named: lengths, fixedPrompt: r.promptTokens,
          fixedOutput: max(1, r.outputTokens)) ?? (.fixed(1), .fixed(1))
      let rate = rate ?? 1
      return WorkloadGenerator.requests(
        count: requestCount,
        arrivals: arrivals == "gamma"
          ? .gamma(ratePerSecond: rate, coefficientOfVariation: cv)
          : .poisson(ratePerSecond: rate),
        prompt: profile.0, output: profile.1, seed: seed,
        prefixTokens: sharedPrefixTokens, prefixGroups: prefixGroups)
    }

    func run() throws {
      let r = try serving.resolve(catalog.load())
      let device = r.target.device
      let requests = try workload(r)
      if let saveTrace {
        try AtomicFile.write(TraceCSV.text(requests), to: saveTrace)
      }
      let longest =
        requests.map { $0.promptTokens + $0.outputTokens }.max() ?? 1
      var fit = r.scenario
      fit.batch = 1
      fit.contextTokens = longest
      fit.workspaceTokens = max(fit.workspaceTokens, tokenBudget)
      let policy = SchedulerPolicy(
        kind: scheduler, maxSequences: maxSequences, tokenBudget: tokenBudget,
        chunkedPrefill: !noChunkedPrefill, blockTokens: blockTokens,
        preemption: preemption, prefixCaching: prefixCaching)
      var graph = GraphScenario(
        serving: r.scenario, promptTokens: 1, outputTokens: 1, on: device,
        devicesPerNode: r.target.devicesPerNode)
      graph.engine = try engine.profile()
      let calibration = ignoreCalibration ? nil : device.calibration
      try serving.cache.refuseInSimulation("simulate")
      if preemption == .swap, device.interconnect.hostLink == nil {
        throw CommandError(
          "--preemption swap: \(device.name)'s descriptor has no host link to price the copies; use --preemption recompute"
        )
      }
      let result: ServingSimulator.Result
      let pool: CachePool
      var hostNote: String?
      do {
        let memory = try MemoryModel.estimate(r.model, on: device, fit)
        let stage = memory.stages[memory.bindingStage]
        pool = CachePool(stage)
        guard pool.capacityBytes > 0 else {
          throw CommandError(
            "\(r.model.name)'s weights and workspace (\(HumanUnits.bytes(stage.weightBytes + stage.workspaceBytes))) leave no memory for the KV cache on \(device.name) at --tp \(graph.plan.tensorParallel); raise --tp or --devices, or quantize (--weight-dtype)"
          )
        }
        let pricer = try IterationPricer(
          r.model, on: device, graph, efficiency: .defaults,
          calibration: calibration)
        if let unequalLengths {
          pricer.unequalLengthTail = try UnequalLengthCSV.load(unequalLengths)
        }
        (pricer.hostScale, hostNote) = try hostProbe.scale(
          r.model, graph.engine, on: device, calibration: calibration)
        let clock = ContinuousClock()
        let began = clock.now
        let record = iterationsCsv != nil || report != nil
        if let split = disaggregation() {
          let devices =
            (split.prefill + split.decode)
            * graph.plan.tensorParallel
          if case .device = r.target {
          } else if devices > r.target.deviceCount {
            throw CommandError(
              "--disaggregate \(split.prefill),\(split.decode) at --tp \(graph.plan.tensorParallel) needs \(devices) devices; \(r.target.name) has \(r.target.deviceCount)"
            )
          }
          let inNode = devices <= r.target.devicesPerNode
          guard
            let link = inNode
              ? device.interconnect.scaleUp ?? device.interconnect.scaleOut
              : device.interconnect.scaleOut
          else {
            throw CommandError(
              "--disaggregate: \(device.name)'s descriptor has no \(inNode ? "scale-up" : "scale-out") link to carry the caches"
            )
          }
          result = try ServingSimulator.runDisaggregated(
            requests, prefillReplicas: split.prefill,
            decodeReplicas: split.decode, policy: policy, pricer: pricer,
            pool: pool, link: .init(link: link, efficiency: 0.7),
            recordIterations: record)
        } else {
          result = try ServingSimulator.run(
            requests, replicas: graph.plan.dataParallel, policy: policy,
            pricer: pricer, pool: pool, recordIterations: record)
        }
        if timing {
          let elapsed = clock.now - began
          let seconds =
            Double(elapsed.components.seconds)
            + Double(elapsed.components.attoseconds) * 1e-18
          FileHandle.standardError.write(
            Data(
              "simulated \(result.passes) passes (\(result.decodeOnlyPasses) decode-only) of \(requests.count) requests in \(String(format: "%.3f", seconds)) s: \(String(format: "%.0f", Double(result.passes) / seconds)) passes/s\n"
                .utf8))
        }
      } catch let error as PlanError {
        switch error.input {
        case .chunk:
          throw CommandError("--token-budget: \(error.message)")
        case .context:
          throw CommandError(
            "\(trace == nil ? "--lengths" : "--trace \(trace ?? "")"): \(error.message)"
          )
        default:
          throw CommandError(
            planError: error, defaultedTP: r.defaultedTP,
            contextSource: r.contextSource)
        }
      }
      if let requestsCsv {
        try AtomicFile.write(
          SimulationReport.requestsCSV(result.requests), to: requestsCsv)
      }
      if let iterationsCsv {
        try AtomicFile.write(
          SimulationReport.iterationsCSV(result.iterations), to: iterationsCsv)
      }
      var objectives: SimulationSummary.Objectives?
      if let t = ttftObjective, let p = tpotObjective {
        objectives = .init(ttftSeconds: t * 1e-3, tpotSeconds: p * 1e-3)
      }
      let tokensPerReplica =
        pool.bytesPerToken > 0
        ? Int(min(pool.capacityBytes / pool.bytesPerToken, 1e15)) : 0
      let report = SimulationReport(
        model: r.model.name, hardware: r.target.name,
        replicas: disaggregation().map { $0.prefill + $0.decode }
          ?? graph.plan.dataParallel,
        tensorParallel: graph.plan.tensorParallel, engine: graph.engine.name,
        scheduler: describe(policy)
          + (disaggregation().map {
            " (disaggregated: \($0.prefill) prefill and \($0.decode) decode replicas)"
          } ?? ""),
        workload: trace.map { "trace \($0), \(requests.count) requests" }
          ?? "\(requests.count) requests, \(arrivals)\(arrivals == "gamma" ? " (cv \(cv))" : "") at \(rate ?? 0) req/s, \(lengths) lengths, seed \(seed)",
        cacheTokensPerReplica: tokensPerReplica,
        summary: SimulationSummary(result, objectives: objectives),
        uncalibratedClasses: result.uncalibratedClasses, hostIssue: hostNote,
        notModelled: [
          "routing by load (round robin)", "scheduler time between passes",
        ]
          + (preemption == .swap
            ? ["host memory for swapped caches (taken as large enough)"] : [])
          + (unequalLengths == nil
            ? ["unequal cache lengths within a pass (priced at their mean)"]
            : [])
          + serving.cache.notModelledInSimulation)
      if let folder = self.report {
        try write(report, result, to: folder)
      }
      try output.emit(
        table: { report.text() }, csv: { report.table().csv() },
        json: { JSONOutput.encode(report) })
    }

    /// `--disaggregate`'s replica counts.
    func disaggregation() -> (prefill: Int, decode: Int)? {
      guard let disaggregate else { return nil }
      let parts = disaggregate.split(separator: ",").compactMap {
        Int($0.trimmingCharacters(in: .whitespaces))
      }
      return parts.count == 2 ? (parts[0], parts[1]) : nil
    }

  }
}

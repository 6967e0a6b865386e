import ArgumentParser
import Foundation
import PerfIO
import PerfModel

extension RooflineCommand {
  /// `roofline plan`: the cheapest deployment that meets latency targets.
  struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Search devices, counts and batches for the cheapest deployment meeting SLAs.",
      discussion: """
        Tries every device with an on-demand price (or --devices-of), --device-counts of
        them split as tensor parallelism inside each of --pp-degrees pipeline stages
        (min(pp, batch) micro-batches), and batches from 1 to 256; keeps those that fit
        in memory at the final context and meet --ttft-ms and --tpot-ms; prints the
        cheapest per million output tokens and the Pareto front of cost against TPOT.
        Devices are taken as one scale-up domain. The long-context flags (a KV budget,
        sinks and a window, page selection, pruned key channels, a quantized cache's
        full-precision window, block-sparse prefill) apply to every configuration tried.
        """)

    @Option(
      help: "Model: a workloads/ name, a workload YAML, or a config.json.")
    var model = "llama-3-8b"
    @Option(
      help: "A scenario from workloads/scenarios for prompt and output lengths."
    )
    var scenario: String?
    @Option(
      parsing: .unconditional,
      help: "Prompt tokens per request (default: the scenario's, else 1024).")
    var promptTokens: Int?
    @Option(
      parsing: .unconditional,
      help: "Output tokens per request (default: the scenario's, else 256).")
    var outputTokens: Int?
    @Option(
      name: .customLong("ttft-ms"), parsing: .unconditional,
      help: "Largest acceptable time to first token, ms.")
    var ttftMilliseconds: Double = 2000
    @Option(
      name: .customLong("tpot-ms"), parsing: .unconditional,
      help: "Largest acceptable time per output token, ms.")
    var tpotMilliseconds: Double = 50
    @Option(
      name: .customLong("devices-of"),
      help:
        "Comma-separated device names to try (default: every priced device).")
    var devicesOf: String?
    @Flag(
      help:
        "Also try devices priced by amortised purchase (default: on-demand prices only)."
    )
    var includeAmortized = false
    @Option(
      name: .customLong("kv-dtype"),
      help: "KV cache type (default: torch_dtype).")
    var kvDataType: DataType?
    @Option(
      name: .customLong("weight-dtype"),
      help: "Weight type (default: checkpoint's).")
    var weightDataType: DataType?
    @Option(
      name: .customLong("device-counts"),
      help: "Comma-separated device counts to try (default 1,2,4,8).")
    var deviceCounts = "1,2,4,8"
    @Option(
      name: .customLong("pp-degrees"),
      help: "Comma-separated pipeline degrees to try (default 1,2,4).")
    var pipelineDegrees = "1,2,4"
    @Flag(help: "No progress on standard error.") var quiet = false
    @OptionGroup var cache: CacheTechniqueOptions
    @OptionGroup var capacity: CapacityOptions
    @OptionGroup var engine: EngineOption
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      if !(ttftMilliseconds > 0) || !(tpotMilliseconds > 0) {
        throw ValidationError("--ttft-ms and --tpot-ms must be positive")
      }
      for (flag, value) in [
        ("--prompt-tokens", promptTokens), ("--output-tokens", outputTokens),
      ]
      where (value ?? 1) < 1 {
        throw ValidationError("\(flag) must be at least 1")
      }
      _ = try Sweep.integers(deviceCounts, "--device-counts")
      _ = try Sweep.integers(pipelineDegrees, "--pp-degrees")
    }

    func run() throws {
      if capacity.qps != nil { return try runCapacity() }
      let c = try catalog.load()
      let model = try c.model(self.model)
      var preset: ScenarioSpec?
      if let scenario { preset = try c.scenario(scenario) }
      let names =
        devicesOf?.split(separator: ",").map {
          String($0).trimmingCharacters(in: .whitespaces)
        }
        ?? c.names(.devices)
      // Rental and amortised purchase prices are not comparable: by default
      // only on-demand prices compete.
      // A calibrated copy of a device (its `calibration:` section) would
      // compete with the device itself, so only a named one is tried.
      let devices = try names.map { try c.device($0) }.filter {
        devicesOf != nil
          || ((includeAmortized || ($0.price?.isOnDemand ?? false))
            && $0.calibration == nil)
      }
      var request = DeploymentPlanner.Request(
        promptTokens: promptTokens ?? preset?.promptTokens ?? 1024,
        outputTokens: outputTokens ?? preset?.outputTokens ?? 256,
        ttftSeconds: ttftMilliseconds / 1000,
        tpotSeconds: tpotMilliseconds / 1000,
        deviceCounts: try Sweep.integers(deviceCounts, "--device-counts"),
        pipelineDegrees: try Sweep.integers(pipelineDegrees, "--pp-degrees"))
      request.engine = try engine.profile()
      request.attentionDensity = cache.attentionDensity
      try cache.check(
        context: request.promptTokens + request.outputTokens,
        source:
          "a request of \(request.promptTokens) prompt and \(request.outputTokens) output tokens"
      )
      let weights = model.weightFormat(
        override: weightDataType ?? preset?.weightDataType)
      let progress = Progress(total: devices.count, label: "plan", quiet: quiet)
      let result = DeploymentPlanner.search(
        model, devices: devices, request: request,
        weightType: weights.dataType, weightQuantization: weights.quantization,
        cacheFormat: cache.format(
          kvDataType ?? preset?.cacheDataType ?? model.weightDataType),
        efficiency: .defaults, progress: progress.step)
      guard let best = result.feasible.first else {
        throw CommandError(
          "no configuration meets --ttft-ms \(ttftMilliseconds) and --tpot-ms \(tpotMilliseconds); binding constraint: \(result.binding ?? "unknown")"
        )
      }
      var table = ReportTable(columns: [
        "device", "devices", "tp", "pp", "batch", "ttft_seconds",
        "tpot_seconds",
        "output_tokens_per_second",
        "usd_per_hour", "usd_per_million_output_tokens",
        "usd_per_million_input_tokens",
      ])
      for candidate in result.pareto {
        table.append([
          candidate.device, String(candidate.devices),
          String(candidate.tensorParallel), String(candidate.pipelineParallel),
          String(candidate.batch),
          String(format: "%.4f", candidate.ttftSeconds),
          String(format: "%.5f", candidate.tpotSeconds),
          String(format: "%.1f", candidate.outputTokensPerSecond),
          String(format: "%.2f", candidate.cost.usdPerHour),
          String(format: "%.3f", candidate.cost.usdPerMillionOutputTokens),
          String(format: "%.3f", candidate.cost.usdPerMillionInputTokens),
        ])
      }
      try output.emit(
        table: {
          "cheapest: \(best.devices) × \(best.device) (TP \(best.tensorParallel), PP \(best.pipelineParallel)), batch \(best.batch): "
            + String(
              format: "$%.3f per 1M output tokens, TTFT %.0f ms, TPOT %.1f ms",
              best.cost.usdPerMillionOutputTokens, best.ttftSeconds * 1000,
              best.tpotSeconds * 1000)
            + "\n\(result.feasible.count) configurations meet the targets; Pareto front of cost against TPOT:\n\n"
            + Self.humanTable(result.pareto).text()
        }, csv: { table.csv() }, json: { JSONOutput.encode(result) })
    }

    /// The devices a search tries: `--devices-of`, else every device with
    /// an on-demand price (amortised ones too with --include-amortized),
    /// calibrated copies only when named.
    func candidateDevices(_ c: Catalog) throws -> [DeviceSpec] {
      let names =
        devicesOf?.split(separator: ",").map {
          String($0).trimmingCharacters(in: .whitespaces)
        }
        ?? c.names(.devices)
      return try names.map { try c.device($0) }.filter {
        devicesOf != nil
          || ((includeAmortized || ($0.price?.isOnDemand ?? false))
            && $0.calibration == nil)
      }
    }

    /// The Pareto front in the units of the flags: milliseconds, tokens a
    /// second, dollars (the CSV keeps SI seconds).
    static func humanTable(_ front: [DeploymentPlanner.Candidate])
      -> ReportTable
    {
      var table = ReportTable(columns: [
        "device", "devices", "tp", "pp", "batch", "TTFT", "TPOT",
        "output tok/s", "$/hour", "$/1M output", "$/1M input",
      ])
      for c in front {
        table.append([
          c.device, String(c.devices), String(c.tensorParallel),
          String(c.pipelineParallel), String(c.batch),
          HumanUnits.seconds(c.ttftSeconds), HumanUnits.seconds(c.tpotSeconds),
          String(format: "%.1f", c.outputTokensPerSecond),
          String(format: "%.2f", c.cost.usdPerHour),
          String(format: "%.3f", c.cost.usdPerMillionOutputTokens),
          String(format: "%.3f", c.cost.usdPerMillionInputTokens),
        ])
      }
      return table
    }
  }
}

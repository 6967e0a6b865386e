import ArgumentParser
import Foundation
import PerfIO
import PerfModel

extension RooflineCommand {
  /// `roofline sweep`: a grid of scenarios to CSV.
  struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Evaluate models over contexts, batches and device counts (chart-ready CSV).",
      discussion: """
        Each point: TTFT for a prompt of the context, one decode step (TPOT) at the
        context, max concurrent requests at the context, and whether the batch fits.
        Device counts are tensor-parallel degrees; contexts past a model's limit are
        evaluated as asked. The long-context flags (a KV budget, sinks and a window,
        page selection, pruned key channels, a quantized cache's full-precision window,
        block-sparse prefill) apply at every point; a context a budget or window
        already holds whole is evaluated as asked (eviction then keeps every token and
        skips its scoring pass; page selection still reads every page's bounds).
        """)

    @Option(help: "Comma-separated models.") var models =
      "llama-3-8b,mamba-2.8b,jamba-v0.1"
    @Option(
      help:
        "Hardware: a device, or a node or cluster (its device is swept; --device-counts sets how many)."
    )
    var hardware = "h200"
    @Option(help: "Comma-separated contexts (tokens).")
    var contexts = "1024,2048,4096,8192,16384,32768,65536,131072"
    @Option(help: "Comma-separated batches.") var batches = "1"
    @Option(
      name: .customLong("device-counts"),
      help: "Comma-separated tensor-parallel degrees.")
    var deviceCounts = "1"
    @Option(
      name: .customLong("kv-dtype"),
      help: "Cache type: fp32, bf16, fp16, fp8, int8, int4.")
    var kvDataType: DataType = .bf16
    @Option(
      name: .customLong("weight-dtype"),
      help:
        "Weight type: fp32, bf16, fp16, fp8, int8, int4 (default: bf16, or a quantized checkpoint's own format with the rest in bf16)."
    )
    var weightDataType: DataType?
    @Flag(
      help:
        "Print scenarios per second to standard error: evaluation alone, and with the table."
    )
    var timing = false
    @Flag(help: "No progress on standard error.") var quiet = false
    @OptionGroup var cache: CacheTechniqueOptions
    @OptionGroup var engine: EngineOption
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    static func integers(_ text: String, _ flag: String) throws -> [Int] {
      let values = text.split(separator: ",").map {
        Int($0.trimmingCharacters(in: .whitespaces))
      }
      guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
        throw ValidationError(
          "\(flag) takes comma-separated positive integers, got \"\(text)\"")
      }
      return values.compactMap { $0 }
    }

    func validate() throws {
      if models.split(separator: ",").allSatisfy({
        $0.trimmingCharacters(in: .whitespaces).isEmpty
      }) {
        throw ValidationError(
          "--models takes comma-separated workload names or config.json paths, got \"\(models)\""
        )
      }
      _ = try Self.integers(contexts, "--contexts")
      _ = try Self.integers(batches, "--batches")
      _ = try Self.integers(deviceCounts, "--device-counts")
    }

    func run() throws {
      let c = try catalog.load()
      let device = try c.hardware(hardware).device
      var table = ReportTable(columns: [
        "model", "hardware", "devices", "batch", "context_tokens",
        "ttft_seconds",
        "tpot_seconds", "max_concurrent_requests", "fits",
      ])
      let clock = ContinuousClock()
      var evaluated = 0
      var evaluating = Duration.zero
      let names = models.split(separator: ",")
      let progress = Progress(total: names.count, label: "sweep", quiet: quiet)
      let elapsed = try clock.measure {
        for name in names {
          let model = try c.model(
            String(name).trimmingCharacters(in: .whitespaces))
          let points: [SweepPoint]
          let started = clock.now
          do {
            points = try ScenarioSweep.run(
              model, on: device,
              contexts: Self.integers(contexts, "--contexts"),
              batches: Self.integers(batches, "--batches"),
              deviceCounts: Self.integers(deviceCounts, "--device-counts"),
              weightType: weightDataType ?? .bf16,
              weightQuantization: weightDataType == nil
                ? model.weightQuantization : nil,
              cacheFormat: cache.format(kvDataType),
              efficiency: .defaults, engine: engine.profile(),
              calibration: device.calibration,
              attentionDensity: cache.attentionDensity)
          } catch let error as PlanError {
            throw CommandError(planError: error, defaultedTP: false)
          }
          evaluating += clock.now - started
          evaluated += points.count
          progress.step(model.name)
          for p in points {
            table.append([
              model.name, device.name, String(p.devices), String(p.batch),
              String(p.contextTokens), "\(p.ttftSeconds)", "\(p.tpotSeconds)",
              String(p.maxConcurrentRequests), p.fits ? "true" : "false",
            ])
          }
        }
      }
      if timing {
        func seconds(_ d: Duration) -> Double {
          Double(d.components.seconds) + Double(d.components.attoseconds)
            * 1e-18
        }
        FileHandle.standardError.write(
          Data(
            String(
              format:
                "%d scenarios: evaluated in %.4f s (%.0f per second), with the table in %.4f s (%.0f per second)\n",
              evaluated, seconds(evaluating),
              Double(evaluated) / seconds(evaluating), seconds(elapsed),
              Double(evaluated) / seconds(elapsed)
            ).utf8))
      }
      try output.emit(
        table: { table.text() }, csv: { table.csv() }, json: { table.json() })
    }
  }
}

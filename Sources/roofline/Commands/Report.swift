import ArgumentParser
import Foundation
import PerfIO
import PerfModel

extension RooflineCommand {
  /// `roofline report`: a folder of charts, tables and CSVs for one workload
  /// on one piece of hardware.
  struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Write a report folder: report.md, a self-contained report.html, SVG charts and CSVs.",
      discussion: """
        Sections: the scenario's TTFT, TPOT, throughput and memory; the device's roofline
        with the prefill and decode operators (and, with --db, measured kernels beside
        their predictions); TTFT, TPOT and max concurrency against context for the model
        and any --compare models; memory per device against context; cost per million
        output tokens against TPOT for deployments on priced devices that meet --ttft-ms
        and --tpot-ms; with --db, measured against predicted kernel times of a stored
        validation run. The folder is written whole or not at all; an earlier report
        at --out is replaced.
        """)

    @OptionGroup var serving: ScenarioOptions
    @OptionGroup var engine: EngineOption
    @Option(help: "The folder to write (default: report-<model>-<hardware>).")
    var out: String?
    @Option(help: "Comma-separated contexts for the sweeps (tokens).")
    var contexts = "1024,4096,16384,32768,65536,131072"
    @Option(help: "Comma-separated models to sweep beside --model.")
    var compare = ""
    @Option(
      name: .customLong("ttft-ms"), parsing: .unconditional,
      help: "Largest acceptable TTFT for the cost chart, ms.")
    var ttftMilliseconds: Double = 2000
    @Option(
      name: .customLong("tpot-ms"), parsing: .unconditional,
      help: "Largest acceptable TPOT for the cost chart, ms.")
    var tpotMilliseconds: Double = 50
    @Option(help: "A run store whose validation run to chart.") var db: String?
    @Option(
      name: .customLong("run"), parsing: .unconditional,
      help: "The stored run to chart (default: the latest).")
    var runID: Int?
    @Flag(help: "No progress on standard error.") var quiet = false
    @Flag(
      name: .customLong("allow-overflow"),
      help:
        "Report a deployment that does not fit in memory (refused otherwise).")
    var allowOverflow = false
    @OptionGroup var catalog: CatalogOptions

    func validate() throws {
      _ = try Sweep.integers(contexts, "--contexts")
      if !(ttftMilliseconds > 0) || !(tpotMilliseconds > 0) {
        throw ValidationError("--ttft-ms and --tpot-ms must be positive")
      }
      if runID != nil && db == nil {
        throw ValidationError("--run needs --db, the store that holds the run")
      }
    }

    func run() throws {
      let c = try catalog.load()
      let r = try serving.resolve(c)
      let progress = Progress(total: 7, label: "report", quiet: quiet)
      // On-demand prices only (amortised purchase is not comparable), and
      // not a calibrated copy of a device already in the list.
      let priced = try c.names(.devices).map { try c.device($0) }.filter {
        ($0.price?.isOnDemand ?? false) && $0.calibration == nil
      }
      var builder = ServingReport(
        model: r.model, hardwareName: r.target.name, device: r.target.device,
        scenario: r.scenario, promptTokens: r.promptTokens,
        outputTokens: r.outputTokens,
        contexts: try Sweep.integers(contexts, "--contexts"),
        comparisons: try compare.split(separator: ",").map {
          try c.model(String($0).trimmingCharacters(in: .whitespaces))
        },
        priced: priced, ttftSeconds: ttftMilliseconds / 1000,
        tpotSeconds: tpotMilliseconds / 1000)
      builder.engine = try engine.profile()
      builder.devicesPerNode = r.target.devicesPerNode
      var sections: [ReportDocument.Section] = []
      do {
        var fit = r.scenario
        fit.contextTokens = r.promptTokens + r.outputTokens
        let estimate = try MemoryModel.estimate(
          r.model, on: r.target.device, fit)
        try OverflowCheck.check(
          estimate, scenario: fit, allowed: allowOverflow)
        var summary = try builder.summary()
        if !estimate.fits {
          // Asked for with --allow-overflow: said first, in the summary.
          let short = estimate.shortBytes
          summary.section.blocks.insert(
            .paragraph(
              "Does not fit: \(HumanUnits.bytes(short)) short of memory on the tightest device at \(fit.contextTokens) tokens × \(fit.batch) requests. The times below are of a deployment that cannot run as specified (--allow-overflow)."
            ), at: 0)
        }
        sections.append(summary.section)
        progress.step("summary")
        let measured = try storedRun()
        sections.append(
          builder.roofline(summary.prediction, measured: measured?.points ?? [])
        )
        progress.step("roofline")
        sections.append(try builder.sweeps())
        progress.step("sweeps")
        sections.append(try builder.memory())
        progress.step("memory")
        sections.append(try builder.techniques())
        progress.step("techniques")
        sections.append(builder.cost())
        progress.step("cost")
        if let measured { sections.append(measured.section) }
        progress.step("validation")
      } catch let error as PlanError {
        throw CommandError(
          planError: error, defaultedTP: r.defaultedTP,
          contextSource: r.contextSource)
      }
      let folder =
        out
        ?? ReportDocument.safeFileName(
          "report-\(r.model.name)-\(r.target.name)")
      let document = ReportDocument(
        title: "\(r.model.name) on \(r.target.name)",
        command: (["roofline"] + CommandLine.arguments.dropFirst()).joined(
          separator: " "),
        sections: sections)
      do {
        try document.write(to: folder)
      } catch {
        throw CommandError(error.description)
      }
      if !quiet {
        FileHandle.standardError.write(
          Data("wrote \(folder)/report.md and \(folder)/report.html\n".utf8))
      }
    }

    /// The stored run's points and its section, when --db is given.
    func storedRun() throws -> (
      points: [MeasuredPoint], section: ReportDocument.Section
    )? {
      guard let db else { return nil }
      let store = try RunStore(path: db, readOnly: true)
      let runs = try store.runs()
      let chosen =
        runID == nil ? runs.last : runs.first { $0.id == runID }
      guard let chosen else {
        throw CommandError(
          runID == nil
            ? "\(db) holds no runs; store one with roofline validate --db \(db)"
            : "\(db) has no run \(runID ?? 0); its runs are \(runs.map { String($0.id) }.joined(separator: ", "))"
        )
      }
      return try ValidationSection.make(store: store, run: chosen)
    }
  }
}

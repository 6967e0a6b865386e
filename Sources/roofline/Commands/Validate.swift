import ArgumentParser
import Foundation
import KernelExecutor
import PerfIO
import PerfModel

extension RooflineCommand {
  /// `roofline validate`: measured kernels against their predictions.
  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Time host kernels (or import measurements), predict each, store both, print residuals.",
      discussion: """
        Without --measured: probes this host (or reads --hardware), times the executor's \
        kernels over a grid (flash and standard prefill, decode, linear attention, scan; \
        sizes, tiles, threads) and predicts each on that descriptor.
        With --measured FILE --hardware NAME: predicts the CSV's kernels on NAME.
        Every case is predicted twice: with the descriptor's factors, and with factors \
        fitted on a training subset (two thirds of each kernel class by size); the fitted \
        model's error is reported on the held-out third. Runs are stored in --db in one \
        transaction; a kernel slower than its last stored median by more than \
        --regression-threshold is flagged.
        """)

    enum Grid: String, ExpressibleByArgument, CaseIterable {
      case quick, full
    }

    @Option(help: "A measured-kernel CSV to import (see the README's schema).")
    var measured: String?
    @Option(
      name: .customLong("end-to-end"),
      help:
        "A measured whole-model CSV (tools/measure_e2e.py) to predict on --hardware as it is, nothing refitted."
    )
    var endToEnd: String?
    @Option(
      help:
        "Descriptor to predict on (name or path); default for host runs: probe now."
    )
    var hardware: String?
    @Option(help: "Host grid: quick (seconds, for tests) or full.")
    var grid: Grid = .full
    @Option(
      help: "Host thread counts, comma-separated (default: 1 and all CPUs).")
    var threads: String?
    @Option(parsing: .unconditional, help: "Timed repetitions per host kernel.")
    var repetitions = 5
    @Option(
      parsing: .unconditional, help: "Untimed warm-up runs per host kernel.")
    var warmup = 1
    @Option(
      parsing: .unconditional,
      help:
        "Keep timing a host kernel past --repetitions until its repetitions add up to this many seconds."
    )
    var minTime = 0.2
    @Option(
      parsing: .unconditional,
      help: ArgumentHelp(
        "Time the whole host grid this many times; each kernel keeps its fastest round's median.",
        discussion:
          "Rounds minutes apart let a slow stretch of a shared machine pass: it slows one round of a kernel, not all."
      ))
    var rounds = 1
    @Option(
      help:
        "The run store (default: $ROOFLINE_DB, else ~/.local/share/roofline/runs.sqlite)."
    )
    var db: String?
    @Option(
      parsing: .unconditional,
      help:
        "Flag kernels slower than their last stored median by more than this fraction."
    )
    var regressionThreshold = 0.10
    @Option(
      help:
        "Write the descriptor with the fitted factors here (its name is the file's base name)."
    )
    var calibratedDescriptor: String?
    @Option(
      name: .customLong("host-issue"),
      help:
        "A host-issue CSV (tools/measure_host.py): fit eager passes' host seconds per layer and per pass, stored with the calibration (needs --measured)."
    )
    var hostIssue: String?
    @Option(
      name: .customLong("host-speed"),
      help:
        "With --end-to-end: the host issue as calibrated, or scaled per row by its host probe (host_probe_seconds)."
    )
    var hostSpeed: HostSpeed = .calibration
    @Flag(help: "Print no progress.") var quiet = false
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      if measured != nil && hardware == nil {
        throw ValidationError(
          "--measured needs --hardware NAME: the descriptor to predict the measurements on"
        )
      }
      if hostIssue != nil && measured == nil {
        throw ValidationError(
          "--host-issue needs --measured FILE --hardware NAME: host-issue entries are stored with a kernel calibration"
        )
      }
      if repetitions < 1 || warmup < 0 {
        throw ValidationError(
          "--repetitions must be at least 1 and --warmup at least 0")
      }
      if !(minTime >= 0) || !minTime.isFinite {
        throw ValidationError(
          "--min-time must be a number of seconds ≥ 0, got \(minTime)")
      }
      if rounds < 1 {
        throw ValidationError("--rounds must be at least 1, got \(rounds)")
      }
      if !(regressionThreshold > 0) {
        throw ValidationError("--regression-threshold must be positive")
      }
      if let calibratedDescriptor,
        !calibratedDescriptor.hasSuffix(".yaml")
      {
        throw ValidationError(
          "--calibrated-descriptor must name a .yaml file, got \(calibratedDescriptor)"
        )
      }
      _ = try threadCounts()
    }

    func threadCounts() throws -> [Int] {
      guard let threads else {
        let all = ProcessInfo.processInfo.activeProcessorCount
        return all > 1 ? [1, all] : [1]
      }
      let counts = threads.split(separator: ",").map {
        Int($0.trimmingCharacters(in: .whitespaces))
      }
      guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
        throw ValidationError(
          "--threads takes whole numbers ≥ 1 separated by commas, e.g. 1,2; got \(threads)"
        )
      }
      return counts.compactMap { $0 }
    }

    func run() throws {
      if let endToEnd {
        try runEndToEnd(endToEnd)
        return
      }
      let started = Self.timestamp()
      let store = try RunStore(path: try Self.storePath(db))
      let (device, descriptorText, descriptorName) = try loadDescriptor()
      let measurements = try measuredKernels()
      let issue = try hostIssue.map { try fitHostIssue($0) }
      var validation: KernelValidation
      do {
        validation = try KernelValidation(
          measurements.map { ($0.workload, $0.medianSeconds) }, on: device,
          source:
            "roofline validate \(started.prefix(10)) against \(measured ?? "host kernels")"
        )
      } catch {
        throw CommandError(planError: error, defaultedTP: false)
      }
      if let issue { validation.calibration.hostIssue = issue.entries }
      let machine =
        measured == nil
        ? "host: \(HostFacts.read().modelName)"
        : (measurements.first?.device.isEmpty == false
          ? measurements[0].device : device.name)
      let record = runRecord(
        validation, measurements, started: started, machine: machine,
        device: device, descriptorName: descriptorName,
        descriptorText: descriptorText)
      let runs = try store.runs()
      let previous = try store.previousMedians(
        machine: machine, before: (runs.last?.id ?? 0) + 1)
      let runID = try store.record(record) {
        if let pause = ProcessInfo.processInfo.environment[
          "ROOFLINE_FAULT_PAUSE_BEFORE_COMMIT"], let seconds = Double(pause)
        {
          FileHandle.standardError.write(Data("paused before commit\n".utf8))
          Thread.sleep(forTimeInterval: seconds)
        }
      }
      if let calibratedDescriptor {
        let name = URL(fileURLWithPath: calibratedDescriptor)
          .deletingPathExtension().lastPathComponent
        try AtomicFile.write(
          CalibratedDescriptor.yaml(
            original: descriptorText, name: name,
            calibration: validation.calibration), to: calibratedDescriptor)
      }
      let report = ValidationReport(
        validation: validation, measurements: measurements,
        previous: previous, threshold: regressionThreshold)
      try output.emit(
        table: {
          report.text() + (issue?.text ?? "")
            + "\nrun \(runID) stored in \(store.path)\n"
        },
        csv: { report.residualTable().csv() },
        json: { report.residualTable().json() })
    }
  }
}

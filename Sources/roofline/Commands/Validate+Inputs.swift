import ArgumentParser
import Foundation
import KernelExecutor
import PerfIO
import PerfModel

extension RooflineCommand.Validate {
  /// Now, in ISO 8601 with seconds.
  static func timestamp() -> String {
    ISO8601DateFormatter().string(from: Date())
  }

  /// `--db`, else `$ROOFLINE_DB`, else `~/.local/share/roofline/runs.sqlite`
  /// (its folder created).
  static func storePath(_ explicit: String?) throws -> String {
    if let explicit { return explicit }
    if let env = ProcessInfo.processInfo.environment["ROOFLINE_DB"] {
      return env
    }
    let folder = FileManager.default.homeDirectoryForCurrentUser
      .appendingPathComponent(".local/share/roofline")
    try FileManager.default.createDirectory(
      at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("runs.sqlite").path
  }

  /// The device to predict on, its descriptor text and catalogue name:
  /// `--hardware`, or this host probed now.
  func loadDescriptor() throws -> (DeviceSpec, String, String) {
    let catalog = try catalog.load()
    if let hardware {
      let path = try catalog.file(hardware, in: .devices, what: "hardware")
      let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
      return (try catalog.device(hardware), text, hardware)
    }
    if !quiet {
      FileHandle.standardError.write(
        Data("probing this host (FMA peak, bandwidth per level)…\n".utf8))
    }
    let (_, text) = RooflineCommand.Probe.measure(
      threads: nil, repetitions: 3, name: "host-probed")
    let temporary = FileManager.default.temporaryDirectory
      .appendingPathComponent("roofline-probe-\(getpid())/host-probed.yaml")
    try FileManager.default.createDirectory(
      at: temporary.deletingLastPathComponent(),
      withIntermediateDirectories: true)
    defer {
      try? FileManager.default.removeItem(
        at: temporary.deletingLastPathComponent())
    }
    try AtomicFile.write(text, to: temporary.path)
    return (try catalog.device(temporary.path), text, "host-probed")
  }

  /// The measurements: the CSV's, or the host grid timed now.
  func measuredKernels() throws -> [MeasuredKernel] {
    if let measured { return try MeasuredCSV.load(measured) }
    let cases = HostCase.grid(grid, threads: try threadCounts())
    let progress = Progress(
      total: cases.count * rounds, label: "validate", quiet: quiet)
    // Per case: the fastest round's median, the fastest repetition of
    // any round, and the repetitions timed in all.
    var median = Array(repeating: Double.infinity, count: cases.count)
    var fastest = median
    var timed = Array(repeating: 0, count: cases.count)
    for _ in 0..<rounds {
      for (i, c) in cases.enumerated() {
        let t = c.kernel.time(
          threads: c.workload.threads ?? 1, warmup: warmup,
          repetitions: repetitions, minimumSeconds: minTime)
        progress.step("\(c.workload.kind.rawValue) \(c.workload.shapeKey)")
        median[i] = min(median[i], t.medianSeconds)
        fastest[i] = min(fastest[i], t.minSeconds)
        timed[i] += t.repetitions
      }
    }
    return cases.indices.map { i in
      MeasuredKernel(
        workload: cases[i].workload, backend: "host", device: "host",
        repetitions: timed[i], medianSeconds: median[i],
        minSeconds: fastest[i])
    }
  }

  /// The run as the store keeps it.
  func runRecord(
    _ v: KernelValidation, _ measurements: [MeasuredKernel], started: String,
    machine: String, device: DeviceSpec, descriptorName: String,
    descriptorText: String
  ) -> RunRecord {
    let fitted = v.calibration
    let cases = zip(v.cases, measurements).map { c, m in
      RunRecord.Case(
        measured: m, heldOut: c.heldOut,
        predictions: [
          (
            KernelValidation.descriptorModel,
            Self.parameters(
              device.calibration?.efficiency(for: c.workload.calibrationClass)
                ?? .uncalibrated), c.descriptor
          ),
          (
            KernelValidation.fittedModel,
            Self.parameters(
              fitted.efficiency(for: c.workload.calibrationClass)),
            c.fitted
          ),
        ])
    }
    return RunRecord(
      startedAt: started, finishedAt: Self.timestamp(),
      command: CommandLine.arguments.joined(separator: " "),
      source: measured ?? "host", machineName: machine,
      descriptorName: descriptorName, descriptorYAML: descriptorText,
      build: measured == nil
        ? (
          KernelBuild.isa, "swift \(Self.compilerVersion)",
          Self.buildConfiguration
        )
        : nil,
      cases: cases,
      summaries: v.summaries.map {
        RunRecord.Summary(
          model: $0.model, subset: $0.subset, kernel: $0.kernel,
          residuals: $0.residuals)
      })
  }

  static var buildConfiguration: String {
    #if DEBUG
    "-c debug"
    #else
    "-c release"
    #endif
  }

  static var compilerVersion: String {
    #if compiler(>=6.3)
    "6.3+"
    #else
    "6.x"
    #endif
  }

  /// The factors as JSON, stored beside each prediction.
  static func parameters(_ e: KernelEfficiency) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return (try? encoder.encode(e)).map { String(decoding: $0, as: UTF8.self) }
      ?? "{}"
  }
}

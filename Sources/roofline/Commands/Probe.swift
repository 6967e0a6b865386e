import ArgumentParser
import Foundation
import KernelExecutor
import PerfIO

extension RooflineCommand {
  /// `roofline probe`: measures this machine's roofline.
  struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Measure this host's FMA peak and memory bandwidth; write a hardware descriptor.",
      discussion: """
        FMA peak per core and for all cores; read and triad bandwidth with working sets
        resident in L1, L2, L3 and DRAM (half of each cache per thread, DRAM 8× the L3).
        The descriptor (--output) loads like any in hardware/; the models use it directly.
        Run a release build on an otherwise idle machine.
        """)

    @Option(
      parsing: .unconditional,
      help: "Threads for the all-core figures (default: every online CPU).")
    var threads: Int?
    @Option(help: "Descriptor name (kebab case).") var name = "host-probed"
    @Option(
      help:
        "Where to write the descriptor (default: print the measurements only).")
    var descriptor: String?
    @Option(
      parsing: .unconditional,
      help: "Timed repetitions per measurement (the best is kept).")
    var repetitions = 5
    @OptionGroup var output: OutputOptions

    func validate() throws {
      if let threads, threads < 1 {
        throw ValidationError("--threads must be at least 1")
      }
      if repetitions < 1 {
        throw ValidationError("--repetitions must be at least 1")
      }
      guard
        name.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression)
          != nil
      else {
        throw ValidationError("--name must be kebab case, e.g. host-probed")
      }
    }

    /// Probes this host: the measurements as a table, and the descriptor
    /// text that `--descriptor` writes.
    static func measure(threads: Int?, repetitions: Int, name: String)
      -> (ReportTable, String)
    {
      let facts = HostFacts.read()
      let count = threads ?? facts.cpus
      func cache(_ level: Int) -> HostFacts.Cache? {
        facts.caches.first { $0.level == level }
      }
      let l1 = cache(1)?.bytes ?? 32 * 1024
      let l2 = cache(2)?.bytes ?? 512 * 1024
      let l3 = cache(3)?.bytes ?? 32 * 1_048_576
      let l3Share = l3 / max(1, min(count, cache(3)?.sharedBy ?? count))
      let sets = [
        ("L1D", l1 / 2), ("L2", l2 / 2), ("L3", l3Share / 2),
        ("DRAM", max(8 * l3, 256 << 20)),
      ]
      let probe = HostProbe.measure(
        threads: count, levels: sets, repetitions: repetitions)
      var table = ReportTable(columns: [
        "measurement", "working_set_bytes", "one_thread", "all_threads",
      ])
      table.append([
        "fma_flops_per_second", "",
        HumanUnits.plain(probe.fmaFLOPsPerSecondOneThread),
        HumanUnits.plain(probe.fmaFLOPsPerSecondAllThreads),
      ])
      // Each instruction set's own peak; the first row is the widest's.
      for peak in probe.fmaPeaks {
        table.append([
          "fma_\(peak.isa.rawValue)_flops_per_second", "",
          HumanUnits.plain(peak.oneThreadFLOPsPerSecond),
          HumanUnits.plain(peak.allThreadsFLOPsPerSecond),
        ])
      }
      for b in probe.bandwidth {
        table.append([
          "\(b.level)_\(b.kind.rawValue)_bytes_per_second",
          String(b.workingSetBytes),
          HumanUnits.plain(b.oneThreadBytesPerSecond),
          HumanUnits.plain(b.allThreadsBytesPerSecond),
        ])
      }
      let levels = zip(
        sets,
        [("sram", true), ("cache", true), ("cache", false), ("main", false)]
      )
      .map { set, kind in
        let read = probe.bandwidth.first {
          $0.level == set.0 && $0.kind == .read
        }
        let triad = probe.bandwidth.first {
          $0.level == set.0 && $0.kind == .triad
        }
        let capacity: Double =
          switch set.0 {
          case "L1D": Double(l1)
          case "L2": Double(l2)
          case "L3": Double(l3)
          default: facts.memoryBytes
          }
        return ProbeDescriptor.Level(
          name: set.0, kind: kind.0, capacityBytes: capacity, perUnit: kind.1,
          readBytesPerSecond: read?.allThreadsBytesPerSecond ?? 0,
          notes:
            "working set \(set.1) bytes per thread; read one thread \(HumanUnits.plain(read?.oneThreadBytesPerSecond ?? 0)) B/s; triad one thread \(HumanUnits.plain(triad?.oneThreadBytesPerSecond ?? 0)) B/s, all \(HumanUnits.plain(triad?.allThreadsBytesPerSecond ?? 0)) B/s"
        )
      }
      let formatter = ISO8601DateFormatter()
      formatter.formatOptions = [.withFullDate]
      let text = ProbeDescriptor.yaml(
        name: name, facts: facts, date: formatter.string(from: Date()),
        threads: count,
        fmaOneThread: probe.fmaFLOPsPerSecondOneThread,
        fmaAllThreads: probe.fmaFLOPsPerSecondAllThreads, levels: levels,
        isa: KernelBuild.isa, lanes: InstructionSet.widest.lanes,
        otherPeaks: probe.fmaPeaks.dropFirst().map {
          "\($0.isa.displayName) one thread \($0.oneThreadFLOPsPerSecond) FLOP/s, all threads \($0.allThreadsFLOPsPerSecond) FLOP/s"
        })
      return (table, text)
    }

    func run() throws {
      let (table, text) = Self.measure(
        threads: threads, repetitions: repetitions, name: name)
      try output.emit(
        table: { table.text() }, csv: { table.csv() }, json: { table.json() })
      guard let descriptor else { return }
      try AtomicFile.write(text, to: descriptor)
    }
  }
}

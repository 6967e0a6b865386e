import Foundation

/// Writes a probed host as a hardware descriptor in the catalogue's format.
public enum ProbeDescriptor {
  /// One measured memory level.
  public struct Level: Sendable {
    /// `L1D`, `L2`, `L3`, `DRAM`.
    public var name: String
    /// `sram`, `cache` or `main`.
    public var kind: String
    /// Capacity: per core when `perUnit`.
    public var capacityBytes: Double
    /// Whether the capacity is per core.
    public var perUnit: Bool
    /// All-thread read bandwidth.
    public var readBytesPerSecond: Double
    /// Free text: the other figures measured for the level.
    public var notes: String

    /// Creates a level.
    public init(
      name: String, kind: String, capacityBytes: Double, perUnit: Bool,
      readBytesPerSecond: Double, notes: String
    ) {
      self.name = name
      self.kind = kind
      self.capacityBytes = capacityBytes
      self.perUnit = perUnit
      self.readBytesPerSecond = readBytesPerSecond
      self.notes = notes
    }
  }

  /// The descriptor's YAML text.
  ///
  /// The compute peak is that of the widest instruction set, `isa` with
  /// `lanes` fp32 lanes per vector; `otherPeaks` (one line per narrower
  /// set, e.g. "AVX2+FMA (8 lanes) one thread 1.3e11 FLOP/s") go in the
  /// notes.
  public static func yaml(
    name: String, facts: HostFacts, date: String, threads: Int,
    fmaOneThread: Double,
    fmaAllThreads: Double, levels: [Level], isa: String, lanes: Int = 8,
    otherPeaks: [String] = []
  ) -> String {
    let source =
      "measured: roofline probe \(date), \(threads) threads, kernels built for \(isa)"
    func q(_ text: String) -> String {
      "\"" + text.replacingOccurrences(of: "\"", with: "'") + "\""
    }
    var out = """
      # Written by `roofline probe` on \(date); rerun it rather than editing.
      name: \(name)
      display_name: \(q("\(facts.modelName) (probed, \(threads) threads)"))
      vendor: \(q(facts.vendor))
      kind: cpu
      compute:
        source: \(q(source + "; 12 independent \(lanes)-lane FMA chains per thread"))
        notes: \(q((["one thread \(fmaOneThread) FLOP/s; clock inferred as that over \(4 * lanes) FLOP/cycle (2 full-width FMA pipes x \(lanes) lanes x 2)"] + otherPeaks).joined(separator: "; ")))
        clock_hz: \(fmaOneThread / Double(4 * lanes))
        units: \(threads)
        unit_name: core
        vector_flops_per_second:
          fp32: \(fmaAllThreads)
      memory:
        source: \(q(source + "; read kernel, one working set per thread"))
        levels:

      """
    for level in levels {
      out += """
            - name: \(level.name)
              kind: \(level.kind)
              capacity_bytes: \(Int(level.capacityBytes))
              per_unit: \(level.perUnit)
              bandwidth_bytes_per_second: \(level.readBytesPerSecond)
              notes: \(q(level.notes))

        """
    }
    out += """
      interconnect:
        source: not measured by the probe

      """
    return out
  }
}

import Foundation
import PerfModel

/// Writes a calibrated copy of a hardware descriptor: the original text
/// under a new `name:`, with its `calibration:` section replaced.
public enum CalibratedDescriptor {
  /// The calibrated descriptor's YAML.
  ///
  /// - Parameters:
  ///   - original: the descriptor's text, as read.
  ///   - name: the new catalogue name (the output file's base name).
  ///   - calibration: the fitted factors.
  /// - Returns: the descriptor text, ending in its `calibration:` section.
  public static func yaml(
    original: String, name: String, calibration: KernelCalibration
  ) -> String {
    var lines: [String] = []
    var skipping = false
    for line in original.split(
      separator: "\n", omittingEmptySubsequences: false)
    {
      let topLevel =
        !line.isEmpty && !line.hasPrefix(" ") && !line.hasPrefix("#")
      if topLevel { skipping = line.hasPrefix("calibration:") }
      if skipping { continue }
      lines.append(line.hasPrefix("name:") ? "name: \(name)" : String(line))
    }
    while lines.last?.isEmpty == true { lines.removeLast() }
    var out = lines.joined(separator: "\n") + "\n"
    out += "calibration:\n"
    out += "  source: \(quoted(calibration.source))\n"
    out += "  classes:\n"
    for key in calibration.entries.keys.sorted() {
      guard let entry = calibration.entries[key] else { continue }
      let e = entry.efficiency
      out += "    - class: \(key)\n"
      out += "      matrix_efficiency: \(number(e.matrix))\n"
      if let special = e.special {
        out += "      special_efficiency: \(number(special))\n"
      }
      if let stream = e.stream {
        out += "      stream_efficiency: \(number(stream))\n"
      }
      out += "      memory_efficiency: \(number(e.memory))\n"
      out +=
        "      compute_overhead_seconds: \(number(e.computeOverheadSeconds))\n"
      out +=
        "      memory_overhead_seconds: \(number(e.memoryOverheadSeconds))\n"
      if let band = entry.band {
        out += "      band_low: \(number(band.low))\n"
        out += "      band_high: \(number(band.high))\n"
      }
      out += "      training_cases: \(entry.trainingCases)\n"
    }
    if !calibration.hostIssue.isEmpty {
      out += "  host_issue:\n"
      for key in calibration.hostIssue.keys.sorted() {
        guard let issue = calibration.hostIssue[key] else { continue }
        out += "    - key: \(key)\n"
        out += "      pass_seconds: \(number(issue.passSeconds))\n"
        out += "      layer_seconds: \(number(issue.layerSeconds))\n"
        out += "      training_cases: \(issue.trainingCases)\n"
      }
    }
    return out
  }

  static func number(_ value: Double) -> String {
    String(format: "%.6g", value)
  }

  static func quoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\"", with: "'") + "\""
  }
}

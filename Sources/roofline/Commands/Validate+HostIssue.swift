import ArgumentParser
import Foundation
import PerfIO
import PerfModel

extension RooflineCommand.Validate {
  /// `--host-issue FILE`: fits each profile's, layer kind's and phase's
  /// host cost of an eager pass (``HostIssue``) from the passes
  /// `tools/measure_host.py` timed.
  ///
  /// - Returns: the entries, and a table of them for the output.
  func fitHostIssue(_ path: String) throws -> (
    entries: [String: HostIssue], text: String
  ) {
    let rows = try HostIssueCSV.load(path)
    let catalogue = try catalog.load()
    var kinds: [String: String] = [:]
    var samples: [HostIssue.Sample] = []
    for row in rows {
      if kinds[row.model] == nil {
        let model: ModelArchitecture
        do { model = try catalogue.model(row.model) } catch {
          throw ValidationError(
            "\(path): row \(row.row): column model: \(error.description)")
        }
        let groupKinds = Set(model.layerGroups.map(\.layer.issueKind))
        guard groupKinds.count == 1, let kind = groupKinds.first else {
          throw ValidationError(
            "\(path): row \(row.row): column model: \(row.model) mixes layer kinds (\(groupKinds.sorted().joined(separator: ", "))); time a model of each kind apart"
          )
        }
        kinds[row.model] = kind
      }
      samples.append(
        HostIssue.Sample(
          key: HostIssue.key(
            profile: row.profile.name, layerKind: kinds[row.model] ?? "",
            phase: row.phase),
          layers: row.layers, seconds: row.seconds))
    }
    let (entries, refused) = HostIssue.fit(samples)
    if let (key, why) = refused.sorted(by: { $0.key < $1.key }).first {
      throw ValidationError("\(path): \(key): \(why)")
    }
    var table = ReportTable(columns: ["key", "pass", "per layer", "passes"])
    for key in entries.keys.sorted() {
      guard let e = entries[key] else { continue }
      table.append([
        key, HumanUnits.seconds(e.passSeconds),
        HumanUnits.seconds(e.layerSeconds), "\(e.trainingCases)",
      ])
    }
    let text =
      "\nhost issue of eager passes, fitted from \(path) (t = pass + layers · per layer)\n\n"
      + table.text()
    return (entries, text)
  }
}

import Foundation

/// Removing what a killed write left behind: the hidden temporary files of
/// ``AtomicFile`` and the staging folders of ``ReportFolder``.
enum StaleTemporaries {
  /// A write that has not finished in this long was killed: nothing
  /// roofline writes takes minutes.
  static let ageSeconds: TimeInterval = 600

  /// Removes the entries of `folder` whose names start with one of
  /// `prefixes` and that were last modified more than ``ageSeconds`` ago
  /// (a younger one may be another process's write in progress).
  static func remove(in folder: String, prefixes: [String]) {
    let fm = FileManager.default
    guard let names = try? fm.contentsOfDirectory(atPath: folder) else {
      return
    }
    let cutoff = Date().addingTimeInterval(-ageSeconds)
    for name in names where prefixes.contains(where: { name.hasPrefix($0) }) {
      let path = folder + "/" + name
      guard
        let modified = (try? fm.attributesOfItem(atPath: path))?[
          .modificationDate] as? Date,
        modified < cutoff
      else { continue }
      try? fm.removeItem(atPath: path)
    }
  }
}

import Foundation

/// Why a report folder could not be written.
public struct ReportFolderError: Error, CustomStringConvertible, Sendable {
  /// What went wrong, with the path and the fix.
  public var description: String
}

extension ReportDocument {
  /// Writes the folder at `path` whole or not at all.
  ///
  /// The files go to a sibling temporary folder that is then renamed into
  /// place. An earlier
  /// report at `path` (a folder holding `report.md`) is replaced; any
  /// other existing file or folder is left alone and refused.
  ///
  /// - Throws: ``ReportFolderError`` naming the path and the fix.
  public func write(to path: String) throws(ReportFolderError) {
    let fm = FileManager.default
    let target = URL(fileURLWithPath: path).standardizedFileURL
    var isFolder: ObjCBool = false
    let exists = fm.fileExists(atPath: target.path, isDirectory: &isFolder)
    if exists
      && !(isFolder.boolValue
        && fm.fileExists(
          atPath: target.appendingPathComponent("report.md").path))
    {
      throw ReportFolderError(
        description:
          "\(path) exists and is not a roofline report folder (no report.md); choose another --out or remove it"
      )
    }
    let parent = target.deletingLastPathComponent()
    StaleTemporaries.remove(
      in: parent.path,
      prefixes: [
        ".\(target.lastPathComponent).partial-",
        ".\(target.lastPathComponent).old-",
      ])
    let suffix =
      "\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    let staging = parent.appendingPathComponent(
      ".\(target.lastPathComponent).partial-\(suffix)")
    let old = parent.appendingPathComponent(
      ".\(target.lastPathComponent).old-\(suffix)")
    do {
      try fm.createDirectory(at: staging, withIntermediateDirectories: true)
      for (relative, text) in files() {
        let url = staging.appendingPathComponent(relative)
        try fm.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true
        )
        guard AtomicFile.writeSynced(Data(text.utf8), to: url.path) else {
          throw AtomicFile.WriteFailure(
            errorDescription: "\(relative): \(AtomicFile.errnoText())")
        }
      }
      if exists { try fm.moveItem(at: target, to: old) }
      try fm.moveItem(at: staging, to: target)
      if exists { try? fm.removeItem(at: old) }
    } catch {
      try? fm.removeItem(at: staging)
      if exists && !fm.fileExists(atPath: target.path) {
        try? fm.moveItem(at: old, to: target)
      }
      throw ReportFolderError(
        description:
          "could not write the report folder \(path): \(error.localizedDescription); check that its parent folder exists and is writable"
      )
    }
  }
}

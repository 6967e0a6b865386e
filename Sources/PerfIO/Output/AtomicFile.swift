import Foundation

/// Writes files whole or not at all.
public enum AtomicFile {
  /// Writes `text` to `path` through a temporary file in the same folder
  /// and a rename, so that readers see the old file or the new one, never
  /// a part; on failure nothing is left behind.
  ///
  /// - Throws: ``DescriptorError`` with code `unreadable` naming the path.
  public static func write(_ text: String, to path: String)
    throws(DescriptorError)
  {
    let url = URL(fileURLWithPath: path)
    do {
      try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
      throw DescriptorError(
        .unreadable, path: path,
        message:
          "cannot write the file (\(error.localizedDescription)); check that the folder exists and is writable"
      )
    }
  }
}

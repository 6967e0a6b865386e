import Foundation

/// Paths of the repository the tests run in.
public enum Repository {
  /// The repository root, found from this source file's path.
  public static let root: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()  // TestSupport
      .deletingLastPathComponent()  // Tests
      .deletingLastPathComponent().path
  }()

  /// A fresh temporary folder for one test.
  public static func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "roofline-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(
      atPath: path, withIntermediateDirectories: true)
    return path
  }
}

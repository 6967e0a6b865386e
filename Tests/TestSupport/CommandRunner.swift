import Foundation

/// What a run of the `roofline` binary printed and returned.
public struct CommandResult: Sendable {
  /// Standard output.
  public var output: String
  /// Standard error.
  public var error: String
  /// Exit status.
  public var status: Int32

  /// Line `index` of standard output (0-based), or "" when there is none,
  /// so that a failing command fails its expectations instead of crashing
  /// the test run.
  public func line(_ index: Int) -> String {
    let lines = output.split(separator: "\n")
    return index < lines.count ? String(lines[index]) : ""
  }
}

/// Runs the built `roofline` executable.
public enum CommandRunner {
  /// The executable beside the test bundle (SwiftPM builds it because the
  /// CLI test target depends on it), or `$ROOFLINE_BIN`.
  public static var executable: String {
    if let explicit = ProcessInfo.processInfo.environment["ROOFLINE_BIN"] {
      return explicit
    }
    var folder = URL(fileURLWithPath: CommandLine.arguments[0])
      .deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = folder.appendingPathComponent("roofline").path
      if FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
      }
      folder = folder.deletingLastPathComponent()
    }
    return Repository.root + "/.build/debug/roofline"
  }

  /// Runs `roofline arguments…` in `directory` (the repository by default).
  public static func run(
    _ arguments: [String], in directory: String = Repository.root
  ) throws
    -> CommandResult
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment["ROOFLINE_CATALOG"] = Repository.root
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
      output: String(decoding: outData, as: UTF8.self),
      error: String(decoding: errData, as: UTF8.self),
      status: process.terminationStatus)
  }
}

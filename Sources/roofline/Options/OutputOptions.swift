import ArgumentParser
import Foundation
import PerfIO

extension OutputFormat: ExpressibleByArgument {}

/// How and where a command writes its answer.
struct OutputOptions: ParsableArguments {
  @Option(
    help:
      "Output format: table (human units), csv or json (SI units); default: the --output file's extension (.csv, .json), else table."
  )
  var format: OutputFormat?

  @Option(
    help:
      "Write the answer to this file (whole or not at all; a device or - is streamed) instead of standard output."
  )
  var output: String?

  func validate() throws { _ = try resolvedFormat() }

  /// `--format`, else the one `--output`'s extension names, else table;
  /// a `.csv` or `.json` file asked for in another format is refused.
  func resolvedFormat() throws -> OutputFormat {
    let suffix = output.map {
      URL(fileURLWithPath: $0).pathExtension.lowercased()
    }
    let implied = suffix.flatMap { OutputFormat(rawValue: $0) }
    guard let format else {
      return implied == .table ? .table : implied ?? .table
    }
    if let implied, implied != .table, implied != format {
      throw ValidationError(
        "--output \(output ?? "") is a .\(implied.rawValue) file but --format is \(format.rawValue); drop --format, or name a .\(format == .table ? "txt" : format.rawValue) file"
      )
    }
    return format
  }

  /// Renders with the chosen format and writes to the file or stdout.
  func emit(table: () -> String, csv: () -> String, json: () -> String) throws {
    let text: String
    switch try resolvedFormat() {
    case .table: text = table()
    case .csv: text = csv()
    case .json: text = json()
    }
    if let output {
      try AtomicFile.write(text, to: output)
    } else {
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }
}

import ArgumentParser
import Foundation
import PerfIO

extension OutputFormat: ExpressibleByArgument {}

/// How and where a command writes its answer.
struct OutputOptions: ParsableArguments {
  @Option(help: "Output format: table (human units), csv or json (SI units).")
  var format: OutputFormat = .table

  @Option(
    help:
      "Write the answer to this file (whole or not at all) instead of standard output."
  )
  var output: String?

  /// Renders with the chosen format and writes to the file or stdout.
  func emit(table: () -> String, csv: () -> String, json: () -> String) throws {
    let text: String
    switch format {
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

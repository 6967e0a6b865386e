import Foundation
import PerfIO
import PerfModel

/// The readers fuzzed, each followed by what the CLI does with a file it
/// accepts (sizing, pricing, formatting), since crashes come after parsing.
enum FuzzTarget: String, CaseIterable {
  /// A workload YAML or a Hugging Face config.json.
  case model
  /// A hardware device descriptor.
  case device
  /// A scenario file.
  case scenario
  /// A measured-kernel CSV.
  case measured
  /// A measured whole-model CSV.
  case endToEnd = "end-to-end"
  /// A collective-timing CSV.
  case collective
  /// A host-issue CSV.
  case hostIssue = "host-issue"
  /// A request trace for `simulate`.
  case trace

  /// The target `ROOFLINE_FUZZ_TARGET` names (default `model`).
  static let selected: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["ROOFLINE_FUZZ_TARGET"]
    guard let name else { return .model }
    guard let target = FuzzTarget(rawValue: name) else {
      FileHandle.standardError.write(
        Data(
          "ROOFLINE_FUZZ_TARGET=\(name): use one of \(allCases.map(\.rawValue).joined(separator: ", "))\n"
            .utf8))
      exit(2)
    }
    return target
  }()

  /// A device every model is priced on.
  static let referenceDevice = DeviceSpec.fuzzReference

  /// Parses `text` and uses what parses as the CLI would.
  ///
  /// Errors are the expected outcome of most inputs; only a crash is a
  /// finding.
  func run(_ text: String) {
    switch self {
    case .model:
      guard let model = try? DescriptorText.model(text, path: "fuzz.json")
      else { return }
      FuzzUse.model(model, on: Self.referenceDevice)
    case .device:
      guard let device = try? DescriptorText.device(text, path: "fuzz.yaml")
      else { return }
      FuzzUse.device(device)
    case .scenario:
      _ = try? DescriptorText.scenario(text, path: "fuzz.yaml")
    case .measured:
      guard let kernels = try? MeasuredCSV.parse(text, path: "fuzz.csv")
      else { return }
      FuzzUse.kernels(kernels, on: Self.referenceDevice)
    case .endToEnd:
      _ = try? EndToEndCSV.parse(text, path: "fuzz.csv")
    case .collective:
      _ = try? CollectiveCSV.parse(text, path: "fuzz.csv")
    case .hostIssue:
      _ = try? HostIssueCSV.parse(text, path: "fuzz.csv")
    case .trace:
      guard let requests = try? TraceCSV.parse(text, path: "fuzz.csv")
      else { return }
      FuzzUse.trace(requests, on: Self.referenceDevice)
    }
  }
}

import Foundation
import TestSupport
import Testing

@Suite("predict, report and sweep price one scenario alike")
struct OneEvaluatorTests {
  /// The cells of `column` in a CSV text's data rows.
  static func column(_ csv: String, _ name: String) -> [String] {
    let rows = csv.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map {
        String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      }
    }
    guard let index = rows.first?.firstIndex(of: name) else { return [] }
    return rows.dropFirst().map { $0[index] }
  }

  @Test(
    "report's TTFT and TPOT are predict's on the same inputs",
    arguments: [
      // A calibrated device under an engine profile (eager prefill).
      ["--hardware", "h200-calibrated", "--engine", "torch", "--batch", "8"],
      // A node (tensor parallelism over NVLink, devices per node).
      ["--hardware", "dgx-h100", "--model", "llama-3-70b", "--engine", "vllm"],
    ])
  func reportAgrees(flags: [String]) throws {
    var common = [
      "--prompt-tokens", "2048", "--output-tokens", "128",
    ]
    if !flags.contains("--model") { common += ["--model", "llama-3-8b"] }
    let out = try Repository.temporaryFolder() + "/agree"
    let report = try CommandRunner.run(
      ["report"] + common + flags + ["--out", out, "--quiet"])
    #expect(report.status == 0, "\(report.error)")
    let predict = try CommandRunner.run(
      ["predict"] + common + flags + ["--format", "csv"])
    #expect(predict.status == 0, "\(predict.error)")
    let written = try String(
      contentsOfFile: out + "/data/prediction.csv", encoding: .utf8)
    for key in ["ttft_seconds", "tpot_seconds"] {
      let ours = Self.column(written, key)
      #expect(!ours.isEmpty)
      #expect(ours == Self.column(predict.output, key), "\(key)")
    }
  }

  @Test("sweep's compiled batch equals predict's built graph")
  func sweepAgrees() throws {
    // One output token: predict's decode step is at the prompt's context,
    // as a sweep point's is.
    let sweep = try CommandRunner.run([
      "sweep", "--models", "llama-3-8b", "--hardware", "h200-calibrated",
      "--engine", "torch", "--contexts", "2048", "--batches", "8",
      "--device-counts", "1", "--format", "csv", "--quiet",
    ])
    #expect(sweep.status == 0, "\(sweep.error)")
    let predict = try CommandRunner.run([
      "predict", "--model", "llama-3-8b", "--hardware", "h200-calibrated",
      "--engine", "torch", "--prompt-tokens", "2048", "--output-tokens", "1",
      "--batch", "8", "--format", "csv",
    ])
    #expect(predict.status == 0, "\(predict.error)")
    for key in ["ttft_seconds", "tpot_seconds"] {
      let a = Self.column(sweep.output, key).compactMap(Double.init)
      let b = Self.column(predict.output, key).compactMap(Double.init)
      #expect(a.count == 1 && b.count == 1)
      if let x = a.first, let y = b.first {
        #expect(approximately(x, y, relativeTolerance: 1e-9), "\(key)")
      }
    }
  }

  @Test("an unknown engine is refused with the valid names")
  func unknownEngine() throws {
    for command in ["predict", "sweep", "plan", "report"] {
      let r = try CommandRunner.run([command, "--engine", "tgi"])
      #expect(r.status != 0)
      #expect(
        r.error.contains(
          "--engine: unknown engine profile 'tgi'; use one of minimal, torch, hf, vllm"
        ),
        "\(command): \(r.error)")
    }
  }
}

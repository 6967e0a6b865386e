import Foundation
import TestSupport
import Testing

@Suite("roofline memory, run as a binary")
struct MemoryCommandTests {
  @Test("the default run answers for Llama-3-8B on one H100")
  func defaults() throws {
    let r = try CommandRunner.run(["memory"])
    #expect(r.status == 0)
    // See MemoryModelTests: ⌊60,278,693,888 / 1,073,741,824⌋ = 56.
    #expect(r.output.contains("max concurrent requests at 8192 tokens: 56"))
    #expect(
      r.output.contains("KV cache per token            128.00 KiB (131072 B)"))
  }

  @Test("CSV has one row per pipeline stage with SI values")
  func csv() throws {
    let r = try CommandRunner.run([
      "memory", "--model", "llama-3-70b", "--hardware", "dgx-h100", "--pp", "2",
      "--format", "csv",
    ])
    #expect(r.status == 0)
    let lines = r.output.split(separator: "\n")
    #expect(lines.count == 3)  // header + 2 stages
    #expect(
      r.line(0).hasPrefix(
        "\"model\",\"hardware\",\"devices\",\"tp\",\"pp\",\"dp\""))
    // 8 devices, PP 2 → TP defaults to 4, one replica; 327680 B per token.
    #expect(
      r.line(1).hasPrefix(
        "\"llama-3-70b\",\"dgx-h100\",\"8\",\"4\",\"2\",\"1\"")
    )
    #expect(r.line(1).contains("\"327680\""))
  }

  @Test("JSON is the full estimate")
  func json() throws {
    let r = try CommandRunner.run([
      "memory", "--model", "mamba-2.8b", "--format", "json",
    ])
    #expect(r.status == 0)
    let object =
      try JSONSerialization.jsonObject(with: Data(r.output.utf8))
      as? [String: Any]
    let estimate = object?["estimate"] as? [String: Any]
    // Mamba-2.8B ships fp32 weights, so its state defaults to fp32: 2 · 13,107,200.
    #expect(estimate?["cache_bytes_per_request"] as? Double == 26_214_400)
  }

  @Test("a pure SSM's context is unbounded, not 2^40 tokens")
  func ssmContext() throws {
    let r = try CommandRunner.run(["memory", "--model", "mamba-2.8b"])
    #expect(r.status == 0)
    #expect(r.output.contains("max context at batch 1: no limit"))
    #expect(!r.output.contains("1099511627776"))
  }

  @Test(
    "JSON keys are the CSV's snake_case; enum payloads sit under their case")
  func jsonKeys() throws {
    let r = try CommandRunner.run([
      "workload", "show", "llama-3-8b", "--format", "json",
    ])
    #expect(r.status == 0)
    #expect(!r.output.contains("\"_0\""))
    let object =
      try JSONSerialization.jsonObject(with: Data(r.output.utf8))
      as? [String: Any]
    #expect(object?["hidden_size"] as? Int == 4096)
    let groups = object?["layer_groups"] as? [[String: Any]]
    let layer = groups?.first?["layer"] as? [String: Any]
    let mlp =
      (layer?["feed_forward"] as? [String: Any])?["dense"] as? [String: Any]
    #expect(mlp?["intermediate_size"] as? Int == 14336)
    #expect(!r.output.contains("hiddenSize"))
  }

  @Test("a scenario sets context, batch and types; flags override it")
  func scenario() throws {
    // chat: 1024 prompt + 256 output tokens, batch 64.
    let r = try CommandRunner.run([
      "memory", "--scenario", "chat", "--format", "csv",
    ])
    let row = r.line(1)
    #expect(row.contains("\"1280\",\"64\",\"bf16\",\"bf16\""))
    let o = try CommandRunner.run([
      "memory", "--scenario", "chat", "--batch", "2", "--kv-dtype", "fp8",
      "--format", "csv",
    ])
    #expect(
      o.line(1).contains(
        "\"1280\",\"2\",\"bf16\",\"fp8\""))
  }

  @Test("--output writes the whole file and prints nothing")
  func outputFile() throws {
    let path = try Repository.temporaryFolder() + "/memory.csv"
    let r = try CommandRunner.run([
      "memory", "--format", "csv", "--output", path,
    ])
    #expect(r.status == 0)
    #expect(r.output.isEmpty)
    #expect(
      try String(contentsOfFile: path, encoding: .utf8).hasPrefix("\"model\""))
  }

  @Test("an unset context fits the model; a context error names what set it")
  func defaultContext() throws {
    // falcon-7b's limit is 2048 tokens: the default is 2048, not 8192.
    let falcon = try CommandRunner.run([
      "memory", "--model", "falcon-7b", "--format", "csv",
    ])
    #expect(falcon.status == 0, "\(falcon.error)")
    #expect(falcon.output.contains("\"2048\""))
    let scenario = try CommandRunner.run([
      "memory", "--model", "yi-34b", "--scenario", "long-document-qa",
    ])
    #expect(scenario.status == 1)
    #expect(
      scenario.error.hasPrefix(
        "Error: the scenario long-document-qa's prompt_tokens + output_tokens: context"
      ), "\(scenario.error)")
    #expect(!scenario.error.contains("--context:"))
    let prompt = try CommandRunner.run(["memory", "--prompt-tokens", "9000"])
    #expect(
      prompt.error.contains("--prompt-tokens + --output-tokens: context 9000"))
  }

  @Test(
    "--output's extension picks the format; a mismatch with --format is refused"
  )
  func outputFormat() throws {
    let folder = try Repository.temporaryFolder()
    let json = try CommandRunner.run(["memory", "--output", folder + "/m.json"])
    #expect(json.status == 0, "\(json.error)")
    let text = try String(contentsOfFile: folder + "/m.json", encoding: .utf8)
    #expect(
      (try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil,
      "\(text)")
    let csv = try CommandRunner.run(["memory", "--output", folder + "/m.csv"])
    #expect(csv.status == 0)
    #expect(
      try String(contentsOfFile: folder + "/m.csv", encoding: .utf8)
        .hasPrefix("\"model\""))
    let mismatch = try CommandRunner.run([
      "memory", "--format", "csv", "--output", folder + "/x.json",
    ])
    #expect(mismatch.status != 0)
    #expect(mismatch.error.contains("is a .json file but --format is csv"))
    #expect(!FileManager.default.fileExists(atPath: folder + "/x.json"))
  }

  @Test(
    "bad input exits non-zero with a message naming the fix, and writes no file",
    arguments: [
      (
        ["--tp", "3"],
        "--tp: tensor-parallel degree 3 does not divide the 32 query heads of llama-3-8b; use one of 1, 2, 4, 8, 16, 32"
      ),
      (
        ["--model", "falcon-7b", "--tp", "2", "--devices", "2"],
        "use one of 1, 71"
      ),
      (["--context", "9000"], "(--force)"),
      (["--hardware", "h100"], "did you mean 'h100-pcie' or 'h100-sxm'"),
      (["--model", "lama-3-8b"], "did you mean 'llama-3-8b'"),
      (["--devices", "3", "--tp", "2"], "not a multiple of --tp 2"),
      (["--kv-dtype", "fp2"], "--kv-dtype"),
      (["--reserve-fraction", "1.5"], "--reserve-fraction must be in [0, 1)"),
      (["--hardware", "dgx-h100", "--devices", "16"], "exceeds the 8 devices"),
    ])
  func badInput(arguments: [String], message: String) throws {
    let path = try Repository.temporaryFolder() + "/out.csv"
    let r = try CommandRunner.run(["memory"] + arguments + ["--output", path])
    #expect(r.status != 0)
    #expect(r.error.contains(message), "stderr was: \(r.error)")
    #expect(!FileManager.default.fileExists(atPath: path))
  }

  @Test("a config.json with a wrong type names its line and field")
  func badConfig() throws {
    let folder = try Repository.temporaryFolder()
    try "{\n  \"model_type\": \"llama\",\n  \"hidden_size\": \"big\"\n}\n"
      .write(
        toFile: folder + "/config.json", atomically: true, encoding: .utf8)
    let r = try CommandRunner.run([
      "memory", "--model", folder + "/config.json",
    ])
    #expect(r.status != 0)
    #expect(r.error.contains("config.json:3: hidden_size: expected a count"))
  }
}

import Foundation
import TestSupport
import Testing

@Suite(
  "Huge, negative and inconsistent numbers: an error naming the field, never a trap"
)
struct HugeInputTests {
  static func config(_ fields: String) throws -> String {
    let path = try Repository.temporaryFolder() + "/config.json"
    try "{\(fields)}".write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  static let llama =
    "\"model_type\":\"llama\",\"hidden_size\":4096,\"num_attention_heads\":32,\"num_key_value_heads\":8,\"intermediate_size\":14336,\"vocab_size\":128256,\"max_position_embeddings\":8192"

  @Test(
    "config.json values out of range or inconsistent",
    arguments: [
      (
        "\"model_type\":\"falcon\",\"hidden_size\":4544,\"num_attention_heads\":71,\"num_kv_heads\":2,\"new_decoder_architecture\":true,\"num_hidden_layers\":32,\"vocab_size\":65024",
        "num_kv_heads: 2 KV heads do not divide 71 query heads"
      ),
      (
        llama + ",\"num_hidden_layers\":1e12",
        "num_hidden_layers: 1000000000000 is beyond what the models compute; at most 4096"
      ),
      (
        llama.replacingOccurrences(of: "4096", with: "1e9")
          + ",\"num_hidden_layers\":32",
        "hidden_size: 1000000000 is beyond what the models compute; at most 262144"
      ),
    ])
  func configs(fields: String, message: String) throws {
    let path = try Self.config(fields)
    for command in [["workload", "show", path], ["memory", "--model", path]] {
      let r = try CommandRunner.run(command)
      #expect(r.status == 1, "\(command): \(r.error)")
      #expect(r.error.contains(message), "\(command): \(r.error)")
    }
  }

  @Test(
    "flags out of range, negative ones included",
    arguments: [
      (
        ["predict", "--batch", "9223372036854775807"],
        "--batch 9223372036854775807 is beyond what the models compute; at most 1048576"
      ),
      (["predict", "--batch", "-1"], "--batch must be at least 1, got -1"),
      (
        ["memory", "--prompt-tokens", "30000000000"],
        "--prompt-tokens 30000000000 is beyond what the models compute; at most 67108864"
      ),
      (
        ["predict", "--output-tokens", "-5"],
        "--output-tokens must be 0 to 67108864, got -5"
      ),
      (
        ["io", "--n", "9223372036854775807"],
        "--n 9223372036854775807 is beyond what the model computes; at most 16777216"
      ),
      (
        ["io", "--n", "4096", "--count", "--heads", "64"],
        "--count simulates every access"
      ),
    ])
  func flags(arguments: [String], message: String) throws {
    let r = try CommandRunner.run(arguments)
    #expect(r.status == 64, "\(r.error)")
    #expect(r.error.contains(message), "\(r.error)")
  }

  @Test(
    "a negative number after any numeric flag gets its range message",
    arguments: [
      (["io", "--n", "-1"], "--n must be at least 1, got -1"),
      (
        ["plan", "--ttft-ms", "-1"], "--ttft-ms and --tpot-ms must be positive"
      ),
      (["predict", "--launch-us", "-1"], "--launch-us must be 0 or more"),
      (["predict", "--compute-efficiency", "-0.5"], "--compute-efficiency"),
      (
        ["validate", "--repetitions", "-1"], "--repetitions must be at least 1"
      ),
    ])
  func negatives(arguments: [String], message: String) throws {
    let r = try CommandRunner.run(arguments)
    #expect(r.status == 64, "\(r.error)")
    #expect(r.error.contains(message), "\(r.error)")
    #expect(!r.error.contains("Missing value"), "\(r.error)")
  }

  @Test("the largest accepted values run to an answer")
  func largest() throws {
    let r = try CommandRunner.run([
      "predict", "--batch", "1048576", "--context", "67108864", "--force",
      "--allow-overflow",
    ])
    #expect(r.status == 0, "\(r.error)")
    let layers = try Self.config(Self.llama + ",\"num_hidden_layers\":4096")
    let m = try CommandRunner.run(["memory", "--model", layers])
    #expect(m.status == 0, "\(m.error)")
  }

  @Test(
    "a descriptor's physically impossible capacity or bandwidth names its line and field",
    arguments: [
      (
        "capacity_bytes: 151397597184", "capacity_bytes: 1e300",
        "memory.levels[2].capacity_bytes: 1e300 is outside what any machine has"
      ),
      (
        "bandwidth_bytes_per_second: 4.8e12",
        "bandwidth_bytes_per_second: 1e-300",
        "memory.levels[2].bandwidth_bytes_per_second: 1e-300 is outside"
      ),
    ])
  func descriptor(original: String, replacement: String, message: String)
    throws
  {
    let text = try String(
      contentsOfFile: Repository.root + "/hardware/h200.yaml", encoding: .utf8)
    let path = try Repository.temporaryFolder() + "/odd.yaml"
    try text.replacingOccurrences(of: "name: h200\n", with: "name: odd\n")
      .replacingOccurrences(of: original, with: replacement)
      .write(toFile: path, atomically: true, encoding: .utf8)
    for command in ["memory", "predict"] {
      let r = try CommandRunner.run([command, "--hardware", path])
      #expect(r.status == 1, "\(r.error)")
      #expect(r.error.contains(message), "\(r.error)")
      #expect(r.error.contains("odd.yaml:4"), "\(r.error)")  // line 41 or 42
    }
  }

  @Test("a measured CSV's huge batch names its row and column")
  func measuredBatch() throws {
    let csv =
      "kernel,backend,dtype,batch,heads,kv_heads,query_length,key_length,head_dim,repetitions,median_seconds,min_seconds\n"
      + "decode-attention,flash,bf16,1000000000000,32,8,1,1024,128,5,1e-5,1e-5\n"
    let path = try ValidateCommandTests.write(csv, "huge.csv")
    let r = try CommandRunner.run([
      "validate", "--measured", path, "--hardware", "h200", "--db",
      try Repository.temporaryFolder() + "/runs.sqlite",
    ])
    #expect(r.status == 1, "\(r.error)")
    #expect(r.error.contains("row 2: column batch: 1000000000000 is beyond"))
  }
}

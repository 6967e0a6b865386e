import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// Quantized checkpoints sized as their formats store them.
///
/// Qwen2.5-7B by hand: each of its 28 layers holds linear weights
/// q 3584×3584, k and v 3584×512, o 3584×3584, gate and up 3584×18944 and
/// down 18944×3584: P = 233,046,016 a layer, 6,525,288,448 in all, in 196
/// matrices with 40,448 input rows a layer (1,132,544 in all). Everything
/// else stays 16-bit: two norms (7168) and the q, k, v biases (4608) a
/// layer, the final norm (3584), and the untied embedding and LM head
/// (2 × 152064 × 3584): 1,090,328,064 parameters, 2,180,656,128 bytes.
@Suite("Quantized checkpoints: weight bytes as each format stores them")
struct QuantizedCheckpointTests {
  static let linear = 6_525_288_448.0
  static let rest = 2_180_656_128.0

  static func weightBytes(_ file: String) throws -> Double {
    let catalog = try Catalog(root: Repository.root)
    let model = try catalog.model(
      Repository.root + "/Tests/Resources/quantized/" + file)
    let scenario = MemoryScenario(
      contextTokens: 1024, weightFormat: model.weightFormat(override: nil),
      cacheFormat: .cache(.bf16))
    return try MemoryModel.estimate(
      model, on: try catalog.device("h200"), scenario
    ).weightBytes
  }

  @Test("AWQ: int4 and per group of 128 an fp16 scale and an int4 zero")
  func awq() throws {
    // P/2 + P/128 · (2 + 0.5) = 3,262,644,224 + 127,447,040.
    let expected = Self.linear / 2 + Self.linear / 128 * 2.5 + Self.rest
    #expect(expected == 5_570_747_392)
    #expect(try Self.weightBytes("qwen2.5-7b-instruct-awq.json") == expected)
  }

  @Test("GPTQ: AWQ's groups plus an int32 g_idx per input row")
  func gptq() throws {
    let expected =
      Self.linear / 2 + Self.linear / 128 * 2.5 + 1_132_544 * 4 + Self.rest
    #expect(expected == 5_575_277_568)
    #expect(
      try Self.weightBytes("qwen2.5-7b-instruct-gptq-int4.json") == expected)
  }

  @Test(
    "bitsandbytes nf4 with double quantisation: int8 absmax per 64, fp32 per 256 blocks, code tables per matrix"
  )
  func bitsAndBytes() throws {
    // 196 matrices × (16 + 256 fp32 code entries + one fp32 offset).
    let expected =
      Self.linear / 2 + Self.linear / 64 * (1 + 4.0 / 256) + 196 * 1092
      + Self.rest
    #expect(expected == 5_547_065_104)
    #expect(
      try Self.weightBytes("qwen2.5-7b-instruct-bnb-nf4.json") == expected)
  }

  @Test(
    "an unknown quantization method is refused with the list, not sized as bf16"
  )
  func unknownMethod() throws {
    let folder = try Repository.temporaryFolder()
    let source = try String(
      contentsOfFile: Repository.root
        + "/Tests/Resources/quantized/qwen2.5-7b-instruct-awq.json",
      encoding: .utf8)
    try source.replacingOccurrences(of: "\"awq\"", with: "\"aqlm\"").write(
      toFile: folder + "/config.json", atomically: true, encoding: .utf8)
    let error = #expect(throws: DescriptorError.self) {
      try Catalog(root: Repository.root).model(folder + "/config.json")
    }
    #expect(error?.field == "quantization_config.quant_method")
    #expect(error?.message.contains("\"aqlm\"") == true)
    #expect(error?.message.contains("awq, bitsandbytes") == true)
  }

  @Test("gpt-oss: only the experts in mxfp4, attention and router in bf16")
  func mxfp4() throws {
    let catalog = try Catalog(root: Repository.root)
    let model = try catalog.model(
      Repository.root + "/Tests/Resources/hf-configs/gpt-oss-20b.json")
    // 24 layers × 32 experts × (2880 × 5760 gate_up + 2880 × 2880 down):
    // 4 bits and an E8M0 byte per 32 weights; every other parameter
    // (expert biases too) in bf16.
    let experts = 24.0 * 32 * (2880 * 5760 + 2880 * 2880)
    let expected =
      experts * (0.5 + 1.0 / 32) + (model.totalParameters - experts) * 2
    let scenario = MemoryScenario(
      contextTokens: 1024, weightFormat: model.weightFormat(override: nil),
      cacheFormat: .cache(.bf16))
    let bytes = try MemoryModel.estimate(
      model, on: try catalog.device("h200"), scenario
    ).weightBytes
    #expect(bytes == expected)
    // OpenAI's model card: 20.91 B parameters; the checkpoint about 13.8 GB.
    #expect(abs(model.totalParameters / 1e9 - 20.91) < 0.005)
  }

  @Test("--weight-dtype overrides the checkpoint's format")
  func override() throws {
    let model = try Catalog(root: Repository.root).model(
      Repository.root
        + "/Tests/Resources/quantized/qwen2.5-7b-instruct-awq.json")
    #expect(model.weightFormat(override: .bf16).quantization == nil)
    #expect(model.weightFormat(override: nil).quantization?.method == "awq")
  }
}

import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

@Suite("Importing a Hugging Face config.json")
struct HuggingFaceConfigTests {
  /// Meta-Llama-3-8B's config.json, verbatim in its relevant fields.
  static let llamaConfig = """
    {
      "architectures": ["LlamaForCausalLM"],
      "attention_bias": false,
      "bos_token_id": 128000,
      "hidden_act": "silu",
      "hidden_size": 4096,
      "initializer_range": 0.02,
      "intermediate_size": 14336,
      "max_position_embeddings": 8192,
      "model_type": "llama",
      "num_attention_heads": 32,
      "num_hidden_layers": 32,
      "num_key_value_heads": 8,
      "rms_norm_eps": 1e-05,
      "rope_scaling": null,
      "rope_theta": 500000.0,
      "tie_word_embeddings": false,
      "torch_dtype": "bfloat16",
      "vocab_size": 128256
    }
    """

  @Test("a config.json path is named after its folder and reads exactly")
  func importsLlama() throws {
    let folder = try Repository.temporaryFolder() + "/Meta-Llama-3-8B"
    try FileManager.default.createDirectory(
      atPath: folder, withIntermediateDirectories: true)
    try Self.llamaConfig.write(
      toFile: folder + "/config.json", atomically: true, encoding: .utf8)
    let model = try Catalog(root: Repository.root).model(
      folder + "/config.json")
    #expect(model.name == "Meta-Llama-3-8B")
    #expect(model.totalParameters == 8_030_261_248)
    #expect(model.cacheBytesPerToken(format: .cache(.bf16)) == 131_072)
    #expect(model.maxContextTokens == 8192)
  }

  @Test(
    "a checkpoint's folder reads its config.json; a folder without one, or a folder as a descriptor, is refused"
  )
  func folders() throws {
    let folder = try Repository.temporaryFolder() + "/Meta-Llama-3-8B"
    try FileManager.default.createDirectory(
      atPath: folder, withIntermediateDirectories: true)
    try Self.llamaConfig.write(
      toFile: folder + "/config.json", atomically: true, encoding: .utf8)
    let catalog = try Catalog(root: Repository.root)
    #expect(try catalog.model(folder).name == "Meta-Llama-3-8B")
    let empty = try Repository.temporaryFolder()
    let error = #expect(throws: DescriptorError.self) {
      try catalog.model(empty)
    }
    #expect(error?.message.contains("a folder with no config.json") == true)
    let device = #expect(throws: DescriptorError.self) {
      try catalog.device(empty)
    }
    #expect(device?.message.contains("a folder, not a file") == true)
    #expect(device?.message.contains("NSCocoaErrorDomain") == false)
  }

  @Test("a field misspelt by a letter or two is refused, naming the real one")
  func misspelt() throws {
    let path = try Repository.temporaryFolder() + "/config.json"
    // Without the check, the missing num_key_value_heads defaults to the
    // 32 query heads: MHA, four times the KV cache.
    try Self.llamaConfig.replacingOccurrences(
      of: "\"num_key_value_heads\"", with: "\"num_key_value_head\""
    ).write(toFile: path, atomically: true, encoding: .utf8)
    let error = #expect(throws: DescriptorError.self) {
      try Catalog(root: Repository.root).model(path)
    }
    #expect(error?.field == "num_key_value_head")
    #expect(error?.line == 13)
    #expect(
      error?.message.contains("did you mean `num_key_value_heads`") == true)
    // Fields of the config's own that are not near a wanted one pass
    // (architectures, bos_token_id, initializer_range, rope_scaling, …).
    let model = try Catalog(root: Repository.root).model(
      try {
        let p = try Repository.temporaryFolder() + "/config.json"
        try Self.llamaConfig.write(toFile: p, atomically: true, encoding: .utf8)
        return p
      }())
    #expect(model.cacheBytesPerToken(format: .cache(.bf16)) == 131_072)
  }

  @Test("an unsupported architecture names the field and what is supported")
  func unsupported() throws {
    let path = try Repository.temporaryFolder() + "/config.json"
    try #"{"model_type": "bert", "hidden_size": 768}"#.write(
      toFile: path, atomically: true, encoding: .utf8)
    let error = #expect(throws: DescriptorError.self) {
      try Catalog(root: Repository.root).model(path)
    }
    #expect(error?.code == .unsupported)
    #expect(error?.field == "model_type")
    #expect(error?.line == 1)
    #expect(error?.message.contains("llama") == true)
  }
}

import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// Per-layer patterns read from the configs' own fields, and the refusals.
@Suite("Model families: per-layer patterns and refusals")
struct ModelFamilyTests {
  static func model(_ file: String) throws -> ModelArchitecture {
    try Catalog(root: Repository.root).model(
      Repository.root + "/Tests/Resources/hf-configs/" + file)
  }

  static func layers(_ m: ModelArchitecture) -> [LayerSpec] {
    m.layerGroups.flatMap { Array(repeating: $0.layer, count: $0.count) }
  }

  static func window(_ layer: LayerSpec) -> Int? {
    guard case .attention(let a) = layer.mixer else { return nil }
    return a.slidingWindow
  }

  @Test("Gemma 2 slides on even layers, Gemma 3 on five of six")
  func slidingPatterns() throws {
    // transformers: Gemma2Config slides where (i + 1) % 2 != 0,
    // Gemma3TextConfig where (i + 1) % sliding_window_pattern != 0.
    let g2 = Self.layers(try Self.model("gemma-2-9b.json"))
    #expect(g2.count == 42)
    #expect(
      g2.enumerated().allSatisfy { i, l in
        Self.window(l) == (i % 2 == 0 ? 4096 : nil)
      })
    let g3 = Self.layers(try Self.model("gemma-3-1b-it.json"))
    #expect(
      g3.enumerated().allSatisfy { i, l in
        Self.window(l) == ((i + 1) % 6 != 0 ? 512 : nil)
      })
    #expect(g3.filter { Self.window($0) == nil }.count == 4)
  }

  @Test("Qwen3-MoE routes every layer; mlp_only_layers keep a dense MLP")
  func qwen3MoE() throws {
    let m = try Self.model("qwen3-30b-a3b.json")
    #expect(
      Self.layers(m).allSatisfy {
        if case .moe(let e) = $0.feedForward {
          return e.experts == 128 && e.expertsPerToken == 8
        }
        return false
      })
    // Qwen3-30B-A3B's card: 30.5 B parameters, 3.3 B activated.
    #expect(abs(m.totalParameters / 1e9 - 30.5) < 0.05)
    #expect(abs(m.activeParametersPerToken / 1e9 - 3.3) < 0.1)
    let path = try Repository.temporaryFolder() + "/config.json"
    let text = try String(
      contentsOfFile: Repository.root
        + "/Tests/Resources/hf-configs/qwen3-30b-a3b.json", encoding: .utf8)
    try text.replacingOccurrences(
      of: "\"mlp_only_layers\": []", with: "\"mlp_only_layers\": [0, 47]"
    ).write(toFile: path, atomically: true, encoding: .utf8)
    let dense = Self.layers(
      try Catalog(root: Repository.root).model(path))
    for i in [0, 47] {
      guard case .dense(let mlp) = dense[i].feedForward else {
        Issue.record("layer \(i) is dense")
        continue
      }
      #expect(mlp.intermediateSize == 6144)
    }
  }

  @Test("GLM-4.5-Air: the first layer dense, then routed and shared experts")
  func glm() throws {
    let layers = Self.layers(try Self.model("glm-4.5-air.json"))
    guard case .dense(let first) = layers[0].feedForward,
      case .moe(let e) = layers[1].feedForward
    else {
      Issue.record("layer 0 dense, layer 1 MoE")
      return
    }
    #expect(first.intermediateSize == 10944)
    #expect(e.experts == 128 && e.expertsPerToken == 8 && e.sharedExperts == 1)
    #expect(e.expert.intermediateSize == 1408 && e.routerBias)
    guard case .attention(let a) = layers[0].mixer else { return }
    // q, k, v biases, no output bias: transformers' Glm4MoeAttention.
    #expect(a.qkvBias && !a.outputBias && a.headDim == 128)
  }

  @Test("layer_types of the wrong length or kind name the field")
  func layerTypes() throws {
    let text = try String(
      contentsOfFile: Repository.root
        + "/Tests/Resources/hf-configs/gemma-2-2b.json", encoding: .utf8)
    let folder = try Repository.temporaryFolder()
    let short = text.replacingOccurrences(
      of: "\"sliding_window\": 4096,",
      with: "\"sliding_window\": 4096, \"layer_types\": [\"full_attention\"],")
    try short.write(
      toFile: folder + "/config.json", atomically: true, encoding: .utf8)
    let error = #expect(throws: DescriptorError.self) {
      try Catalog(root: Repository.root).model(folder + "/config.json")
    }
    #expect(error?.field == "layer_types")
    #expect(error?.message.contains("1 layer types for 26 layers") == true)
  }

  @Test("an unsupported model_type names the nearest supported one")
  func nearestType() throws {
    let folder = try Repository.temporaryFolder()
    try "{\"model_type\": \"olmo3\", \"hidden_size\": 8}".write(
      toFile: folder + "/config.json", atomically: true, encoding: .utf8)
    let error = #expect(throws: DescriptorError.self) {
      try Catalog(root: Repository.root).model(folder + "/config.json")
    }
    #expect(error?.field == "model_type")
    #expect(error?.message.contains("nearest: olmo2") == true)
  }

  @Test("a wrapper whose language model is unsupported names the inner type")
  func wrapperInnerType() throws {
    let folder = try Repository.temporaryFolder()
    try """
    {"model_type": "llava", "text_config": {"model_type": "vicuna"}}
    """.write(
      toFile: folder + "/config.json", atomically: true, encoding: .utf8)
    let error = #expect(throws: DescriptorError.self) {
      try Catalog(root: Repository.root).model(folder + "/config.json")
    }
    #expect(error?.field == "text_config.model_type")
    #expect(error?.message.contains("\"vicuna\" is not supported") == true)
  }

  @Test("LLaVA's CLIP tower and Gemma 3's SigLIP tower are counted apart")
  func visionTowers() throws {
    // CLIP ViT-L/14 at 336: patch conv 3·14²·1024, class token 1024,
    // 577 positions × 1024, pre- and post-LayerNorm 2·2048; 24 layers of
    // 4·(1024² + 1024) + 4·1024 + (1024·4096 + 4096) + (4096·1024 + 1024).
    let clip = 602_112 + 1024 + 590_848 + 4096 + 24 * 12_596_224
    let llava = try Self.model("llava-1.5-7b-hf.json")
    #expect(llava.vision?.encoderParameters == clip)
    // Projector 1024 → 4096 → 4096 with biases.
    #expect(
      llava.vision?.projectorParameters == 1024 * 4096 + 4096 + 4096 * 4096
        + 4096)
    // The language model: Vicuna-7B (Llama-2-7B's shape, vocab 32064).
    #expect(llava.totalParameters == 6_738_939_904)
    let gemma = try Self.model("gemma-3-4b-it.json")
    // SigLIP so400m at 896: patch conv with bias 3·14²·1152 + 1152, 4096
    // positions × 1152, post-LayerNorm 2304, 27 layers of 15,239,504.
    #expect(
      gemma.vision?.encoderParameters
        == 678_528 + 4_718_592 + 27 * 15_239_504 + 2304)
    #expect(gemma.vision?.projectorParameters == 1152 * 2560 + 1152)
  }
}

import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// The hybrids' per-layer patterns, cache and state bytes, each derived by
/// hand from the config (bf16, 2 bytes an element), and the chunked
/// attention's pairs.
@Suite("Hybrid families: patterns, KV and state bytes by hand")
struct HybridFamilyTests {
  static func model(_ file: String) throws -> ModelArchitecture {
    try ModelFamilyTests.model(file)
  }

  static func layers(_ m: ModelArchitecture) -> [LayerSpec] {
    ModelFamilyTests.layers(m)
  }

  static let bf16 = StorageFormat.cache(.bf16)

  @Test(
    "Nemotron-H: M, *, - blocks from the pattern; 6 attention layers' KV, 28 Mamba-2 states"
  )
  func nemotronH() throws {
    let m = try Self.model("nvidia-nemotron-nano-12b-v2-base.json")
    let pattern =
      "M-M-M-M*-M-M-M-M*-M-M-M-M*-M-M-M-M*-M-M-M-M*-M-M-M-M*-M-M-M-M-"
    let layers = Self.layers(m)
    #expect(layers.count == pattern.count)
    for (layer, c) in zip(layers, pattern) {
      switch c {
      case "M":
        guard case .stateSpace = layer.mixer, case .none = layer.feedForward
        else {
          Issue.record("M block is not Mamba alone")
          continue
        }
      case "*":
        guard case .attention = layer.mixer, case .none = layer.feedForward
        else {
          Issue.record("* block is not attention alone")
          continue
        }
      default:
        guard layer.mixer == .noMixer, case .dense(let mlp) = layer.feedForward
        else {
          Issue.record("- block is not an MLP alone")
          continue
        }
        #expect(!mlp.gated && mlp.intermediateSize == 20480)
      }
    }
    // 6 layers · 2 (K, V) · 8 heads · 128 · 2 B.
    #expect(m.cacheBytesPerToken(format: Self.bf16) == 6 * 2 * 8 * 128 * 2)
    // Per Mamba layer: conv (10240 + 2·8·128)·4 and SSM 128·80·128.
    let state = (10240 + 2 * 8 * 128) * 4 + 128 * 80 * 128
    #expect(m.stateBytesPerRequest(format: Self.bf16) == Double(28 * state * 2))
  }

  @Test(
    "Granite 4.0-H: attention at 5, 15, 25, 35; experts beside the shared MLP")
  func graniteHybrid() throws {
    let m = try Self.model("granite-4.0-h-tiny.json")
    let layers = Self.layers(m)
    let attention = layers.indices.filter {
      if case .attention = layers[$0].mixer { return true }
      return false
    }
    #expect(attention == [5, 15, 25, 35])
    guard case .moe(let e) = layers[0].feedForward else {
      Issue.record("no experts")
      return
    }
    #expect(e.experts == 64 && e.expertsPerToken == 6)
    #expect(e.sharedExpert?.intermediateSize == 1024)
    #expect(m.cacheBytesPerToken(format: Self.bf16) == 4 * 2 * 4 * 128 * 2)
    // conv (3072 + 2·1·128)·4, SSM 48·64·128; 36 Mamba layers.
    let state = (3072 + 2 * 128) * 4 + 48 * 64 * 128
    #expect(m.stateBytesPerRequest(format: Self.bf16) == Double(36 * state * 2))
  }

  @Test(
    "Qwen3-Next: gated attention every fourth layer, gated DeltaNet elsewhere")
  func qwen3Next() throws {
    let m = try Self.model("qwen3-next-80b-a3b-instruct.json")
    let layers = Self.layers(m)
    for (i, layer) in layers.enumerated() {
      if (i + 1) % 4 == 0 {
        guard case .attention(let a) = layer.mixer else {
          Issue.record("layer \(i) is not attention")
          continue
        }
        #expect(a.outputGate && a.queryKeyNorm && a.headDim == 256)
      } else {
        guard case .gatedDeltaNet = layer.mixer else {
          Issue.record("layer \(i) is not gated DeltaNet")
          continue
        }
      }
    }
    #expect(m.cacheBytesPerToken(format: Self.bf16) == 12 * 2 * 2 * 256 * 2)
    // State 32 value heads · 128 · 128, conv (2·16·128 + 32·128)·4.
    let state = 32 * 128 * 128 + (2 * 16 * 128 + 32 * 128) * 4
    #expect(m.stateBytesPerRequest(format: Self.bf16) == Double(36 * state * 2))
    // The gated attention's q_proj is 2048 → 2·16·256; k, v 2048 → 2·256;
    // o 16·256 → 2048.
    guard case .attention(let a) = layers[3].mixer else { return }
    #expect(
      a.parameters(hiddenSize: 2048, tensorParallel: 1)
        == Double(2048 * 2 * 16 * 256 + 2 * 2048 * 2 * 256 + 16 * 256 * 2048))
  }

  @Test(
    "MiniMax-Text-01: softmax attention every eighth layer, Lightning elsewhere"
  )
  func miniMax() throws {
    let m = try Self.model("minimax-text-01-hf.json")
    #expect(m.cacheBytesPerToken(format: Self.bf16) == 10 * 2 * 8 * 128 * 2)
    // 64 heads · 128 · 128 each, in 70 Lightning layers.
    #expect(
      m.stateBytesPerRequest(format: Self.bf16)
        == Double(70 * 64 * 128 * 128 * 2))
  }

  @Test("Falcon-H1: attention's KV and Mamba-2's state in every layer")
  func falconH1() throws {
    let m = try Self.model("falcon-h1-defaults.json")
    #expect(m.cacheBytesPerToken(format: Self.bf16) == 32 * 2 * 8 * 128 * 2)
    // conv (1024 + 2·256)·4, SSM 128 heads · 8 · 256.
    let state = (1024 + 2 * 256) * 4 + 128 * 8 * 256
    #expect(m.stateBytesPerRequest(format: Self.bf16) == Double(32 * state * 2))
  }

  @Test(
    "Llama 4: chunked layers cache one chunk; their prefill pairs restart each chunk"
  )
  func llama4Chunks() throws {
    let m = try Self.model("llama-4-scout-17b-16e-instruct.json")
    let layers = Self.layers(m)
    let chunked = layers.filter { $0.mixer.attentionBranch?.chunkSize == 8192 }
    #expect(chunked.count == 36)
    // 100,000 tokens: 36 layers keep 8192, 12 keep all; 2·8·128·2 B each.
    let perToken = 2.0 * 8 * 128 * 2
    #expect(
      m.cacheBytesPerRequest(context: 100_000, format: Self.bf16)
        == perToken * (36 * 8192 + 12 * 100_000))
    // Prefill of 20,000 tokens: position p sees (p mod 8192) + 1 keys, so
    // 2·(8192·8193/2) + 3616·3617/2 = 73,656,592 pairs against 20000·20001/2.
    let scenario = GraphScenario(
      batch: 1, promptTokens: 20_000, contextTokens: 1,
      plan: ParallelPlan(tensorParallel: 1), weightFormat: .weights(.bf16),
      cacheFormat: .cache(.bf16), sramBytes: 196_608)
    let attention = OperatorGraphBuilder.prefill(m, scenario).operators
      .filter { $0.kind == .attention }
    // 4 · d · pairs · heads FLOPs a layer.
    let chunkedFlops = 4.0 * 128 * 73_656_592 * 40
    let fullFlops = 4.0 * 128 * (20_000.0 * 20_001 / 2) * 40
    let total = attention.reduce(0) { $0 + $1.flops * Double($1.count) }
    #expect(
      approximately(
        total, 36 * chunkedFlops + 12 * fullFlops, relativeTolerance: 1e-12))
  }

  @Test(
    "a chunked layer's prefill traffic is its chunks' as separate sequences")
  func chunkedTraffic() throws {
    var chunked = AttentionSpec(queryHeads: 40, kvHeads: 8, headDim: 128)
    chunked.chunkSize = 8192
    let full = AttentionSpec(queryHeads: 40, kvHeads: 8, headDim: 128)
    func model(_ a: AttentionSpec) -> ModelArchitecture {
      ModelArchitecture(
        name: "one", modelType: "llama4_text", hiddenSize: 5120,
        vocabSize: 1000, maxContextTokens: 1 << 20, tieWordEmbeddings: false,
        finalNormParameters: 5120,
        layerGroups: [
          LayerGroup(
            count: 1,
            layer: LayerSpec(
              mixer: .attention(a), feedForward: .none, normParameters: 0))
        ], weightDataType: .bf16, source: "test")
    }
    func flashBytes(_ a: AttentionSpec, batch: Int, prompt: Int) -> Double {
      let s = GraphScenario(
        batch: batch, promptTokens: prompt, contextTokens: 1,
        weightFormat: .weights(.bf16), cacheFormat: .cache(.bf16),
        sramBytes: 196_608)
      let op = OperatorGraphBuilder.prefill(model(a), s).operators.first {
        $0.kind == .attention
      }
      // Less the cache write of the pass's tokens, the same per token.
      let write = Double(batch * prompt) * 2 * 8 * 128 * 2
      return (op?.bytes ?? 0) - write
    }
    // 20,000 tokens: two full chunks of 8192 and one of 3616.
    let ours = flashBytes(chunked, batch: 1, prompt: 20_000)
    let pieces =
      flashBytes(full, batch: 2, prompt: 8192)
      + flashBytes(full, batch: 1, prompt: 3616)
    #expect(approximately(ours, pieces, relativeTolerance: 1e-12))
    #expect(ours < flashBytes(full, batch: 1, prompt: 20_000))
  }

  @Test(
    "Zamba2: hybrid layers take the shared blocks in turn; only first uses carry the weights"
  )
  func zamba2() throws {
    let m = try Self.model("zamba2-two-blocks-adapters.json")
    let layers = Self.layers(m)
    var owners: [Int] = []
    var hybrids: [Int] = []
    for (i, layer) in layers.enumerated() {
      guard case .sharedBlock(let z) = layer.mixer else { continue }
      hybrids.append(i)
      if z.ownsSharedWeights { owners.append(i) }
    }
    // Zamba2Config's default pattern: a hybrid layer every sixth from 6
    // to 42, then at 47 and 51; two blocks, so the first two uses own them.
    #expect(hybrids == [6, 12, 18, 24, 30, 36, 42, 47, 51])
    #expect(owners == [6, 12])
    // 9 uses of attention with 32 heads of 2·2560/32 = 160.
    #expect(m.cacheBytesPerToken(format: Self.bf16) == 9 * 2 * 32 * 160 * 2)
    // 54 Mamba-2 states: conv (5120 + 2·64)·4, SSM 8 heads · 640 · 64.
    let state = (5120 + 2 * 64) * 4 + 8 * 640 * 64
    #expect(m.stateBytesPerRequest(format: Self.bf16) == Double(54 * state * 2))
  }

  @Test(
    "hybrid configs that do not add up are refused, naming the field",
    arguments: [
      (
        #"{"model_type": "nemotron_h", "hidden_size": 64, "vocab_size": 10, "hybrid_override_pattern": "M-X"}"#,
        "hybrid_override_pattern", "character 3 \"X\" is not a block kind"
      ),
      (
        #"{"model_type": "nemotron_h", "hidden_size": 64, "vocab_size": 10, "hybrid_override_pattern": "M-", "num_hidden_layers": 3}"#,
        "num_hidden_layers", "3 layers but 2 block kinds"
      ),
      (
        #"{"model_type": "qwen3_next", "hidden_size": 64, "vocab_size": 10, "linear_num_key_heads": 3, "linear_num_value_heads": 4}"#,
        "linear_num_value_heads", "not a multiple of the 3 key heads"
      ),
      (
        #"{"model_type": "zamba2", "add_bias_linear": true}"#,
        "add_bias_linear", "not modelled"
      ),
      (
        #"{"model_type": "granitemoehybrid", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 10, "layer_types": ["mamba", "conv"]}"#,
        "layer_types[1]", "\"conv\" is not a layer kind"
      ),
    ])
  func refusals(config: String, field: String, message: String) throws {
    let folder = try Repository.temporaryFolder()
    try config.write(
      toFile: folder + "/config.json", atomically: true, encoding: .utf8)
    let error = #expect(throws: DescriptorError.self) {
      try Catalog(root: Repository.root).model(folder + "/config.json")
    }
    #expect(error?.field == field, "\(error?.message ?? "")")
    #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
  }
}

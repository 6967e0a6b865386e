import PerfModel
import TestSupport
import Testing

/// KIVI-style KV caches.
///
/// int2 with group scales, and the full-precision window of the most
/// recent tokens (Liu et al. 2024).
@Suite("Quantized KV caches with a full-precision window")
struct KVCompressionTests {
  /// A Llama-3-8B attention layer: 32 query heads, 8 KV heads of 128.
  static let layer = LayerSpec(
    mixer: .attention(AttentionSpec(queryHeads: 32, kvHeads: 8, headDim: 128)),
    feedForward: .none, normParameters: 0)

  @Test(
    "int2: 2048 elements a token at a quarter byte, plus an fp16 scale and zero per 32: 768 bytes a layer"
  )
  func int2Bytes() {
    // 2 · 8 · 128 = 2048 elements: 512 B of payload, 64 groups × 4 B.
    #expect(
      Self.layer.cacheBytesPerToken(tensorParallel: 1, format: .cache(.int2))
        == 768)
  }

  @Test(
    "a 128-token fp16 window adds 128 · (4096 − 768) bytes a layer past 128 tokens, and its share below"
  )
  func window() {
    var format = StorageFormat.cache(.int2)
    format.residualTokens = 128
    // fp16: 2048 elements · 2 B = 4096 B a token.
    #expect(
      Self.layer.stateBytes(tensorParallel: 1, format: format) == 128 * 3328)
    #expect(
      Self.layer.cacheBytes(context: 1000, tensorParallel: 1, format: format)
        == 1000 * 768 + 128 * 3328)
    // Shorter than the window: every token in fp16.
    #expect(
      Self.layer.cacheBytes(context: 100, tensorParallel: 1, format: format)
        == 100 * 4096)
  }

  @Test(
    "a decode step reads the window in fp16: batch · min(context, R) · 3328 more bytes than the int2 cache alone"
  )
  func decodeTraffic() {
    let model = ModelArchitecture(
      name: "one", modelType: "llama", hiddenSize: 4096, vocabSize: 32000,
      maxContextTokens: 1 << 20, tieWordEmbeddings: false,
      finalNormParameters: 0,
      layerGroups: [LayerGroup(count: 1, layer: Self.layer)],
      weightDataType: .bf16, source: "test")
    func attentionBytes(_ format: StorageFormat) -> Double {
      let s = GraphScenario(
        batch: 4, promptTokens: 1, contextTokens: 1000,
        weightFormat: .weights(.bf16), cacheFormat: format, sramBytes: 65536)
      return OperatorGraphBuilder.decode(model, s).operators.first {
        $0.kind == .attention
      }?.bytes ?? 0
    }
    var windowed = StorageFormat.cache(.int2)
    windowed.residualTokens = 128
    #expect(
      attentionBytes(windowed) - attentionBytes(.cache(.int2))
        == 4 * 128 * 3328)
  }
}

/// Eviction to a token budget (SnapKV, H2O).
@Suite("KV eviction to a token budget")
struct KVEvictionTests {
  static let model = ModelArchitecture(
    name: "one", modelType: "llama", hiddenSize: 4096, vocabSize: 32000,
    maxContextTokens: 1 << 20, tieWordEmbeddings: false,
    finalNormParameters: 0,
    layerGroups: [LayerGroup(count: 1, layer: KVCompressionTests.layer)],
    weightDataType: .bf16, source: "test")

  static func budget(_ tokens: Int?) -> StorageFormat {
    var f = StorageFormat.cache(.bf16)
    f.evictionBudgetTokens = tokens
    return f
  }

  @Test("a request keeps at most the budget: 1024 tokens of 4096 B a layer")
  func memory() {
    #expect(
      KVCompressionTests.layer.cacheBytes(
        context: 8000, tensorParallel: 1, format: Self.budget(1024))
        == 1024 * 4096)
    #expect(
      KVCompressionTests.layer.cacheBytes(
        context: 500, tensorParallel: 1, format: Self.budget(1024))
        == 500 * 4096)
  }

  @Test("a decode step at 8000 tokens reads what one at 1024 reads unevicted")
  func decode() {
    func attention(_ context: Int, _ format: StorageFormat) -> Operator? {
      let s = GraphScenario(
        batch: 4, promptTokens: 1, contextTokens: context,
        weightFormat: .weights(.bf16), cacheFormat: format, sramBytes: 65536)
      return OperatorGraphBuilder.decode(Self.model, s).operators.first {
        $0.kind == .attention
      }
    }
    let evicted = attention(8000, Self.budget(1024))
    let short = attention(1024, Self.budget(nil))
    #expect(evicted?.bytes == short?.bytes)
    #expect(evicted?.flops == short?.flops)
  }

  @Test(
    "a prefill past the budget scores its keys: 2 · 32 queries · keys · 128 · 32 heads FLOPs, the keys read once"
  )
  func scoring() throws {
    let s = GraphScenario(
      batch: 2, promptTokens: 4096, contextTokens: 4097,
      weightFormat: .weights(.bf16), cacheFormat: Self.budget(1024),
      sramBytes: 65536)
    let ops = OperatorGraphBuilder.prefill(Self.model, s).operators
    let selection = try #require(ops.first { $0.name.contains("SnapKV") })
    #expect(selection.flops == 2 * 2 * 32 * 4096 * 128 * 32)
    // 2 sequences · 4096 keys · 8 KV heads · 128 · 2 bytes.
    #expect(selection.bytes == 2 * 4096 * 8 * 128 * 2)
    // Sinks and a window (StreamingLLM) are fixed positions: no pass.
    var streaming = s
    streaming.cacheFormat.evictionScored = false
    #expect(
      !OperatorGraphBuilder.prefill(Self.model, streaming).operators.contains {
        $0.name.contains("SnapKV")
      })
    var under = s
    under.cacheFormat = Self.budget(8192)
    #expect(
      !OperatorGraphBuilder.prefill(Self.model, under).operators.contains {
        $0.name.contains("SnapKV")
      })
  }
}

/// Key channel pruning (ThinK).
@Suite("Pruned key channels")
struct KeyChannelTests {
  @Test(
    "keeping half the key channels: (8·128·1.5)·2 = 3072 bytes a layer-token, and decode FLOPs 2·d·1.5 per pair and head"
  )
  func halfTheKeys() {
    var format = StorageFormat.cache(.bf16)
    format.keyChannelFraction = 0.5
    #expect(
      KVCompressionTests.layer.cacheBytesPerToken(
        tensorParallel: 1, format: format) == 3072)
    let s = GraphScenario(
      batch: 1, promptTokens: 1, contextTokens: 1000,
      weightFormat: .weights(.bf16), cacheFormat: format, sramBytes: 65536)
    let op = OperatorGraphBuilder.decode(KVEvictionTests.model, s).operators
      .first { $0.kind == .attention }
    // 1000 keys, 32 query heads, d = 128.
    let expected: Double = 2 * 128 * 1.5 * 1000 * 32
    #expect(op?.flops == expected)
  }
}

/// Query-aware page selection in decode (Quest).
@Suite("Quest page selection")
struct PageSelectionTests {
  @Test(
    "a step at 8000 tokens with a 1024-token budget reads what 1024 tokens read, plus 500 pages' fp16 bounds (4 · 8 · 128 B each) and its own bounds' share"
  )
  func decode() throws {
    func attention(_ context: Int, _ format: StorageFormat) throws -> Operator {
      let s = GraphScenario(
        batch: 4, promptTokens: 1, contextTokens: context,
        weightFormat: .weights(.bf16), cacheFormat: format, sramBytes: 65536)
      return try #require(
        OperatorGraphBuilder.decode(KVEvictionTests.model, s).operators.first {
          $0.kind == .attention
        })
    }
    var quest = StorageFormat.cache(.bf16)
    quest.pageSelectionTokens = 1024
    quest.pageTokens = 16
    let selected = try attention(8000, quest)
    let plain = try attention(1024, .cache(.bf16))
    // 4 sequences · (500 pages · 4096 B + 256 B of the new token's bounds).
    #expect(selected.bytes - plain.bytes == 4 * (500 * 4096 + 256))
    // 4 · 500 pages · 4 · 128 · 32 query heads.
    let scoring: Double = 4 * 500 * 4 * 128 * 32
    #expect(selected.flops - plain.flops == scoring)
    // The whole cache stays: 4096 B a token and 256 B of bounds.
    #expect(
      KVCompressionTests.layer.cacheBytesPerToken(
        tensorParallel: 1, format: quest) == 4096 + 256)
  }
}

/// Retrieval and streaming heads (DuoAttention).
@Suite("Per-head mixtures of full and streaming caches")
struct HeadMixtureTests {
  @Test(
    "a quarter of the heads keep 8000 tokens, three quarters 1024: 4096 · (2000 + 768) bytes a layer, and a step reads as much"
  )
  func mixture() throws {
    var format = StorageFormat.cache(.bf16)
    format.evictionBudgetTokens = 1024
    format.evictionScored = false
    format.evictedHeadFraction = 0.75
    #expect(
      KVCompressionTests.layer.cacheBytes(
        context: 8000, tensorParallel: 1, format: format)
        == 4096 * (2000 + 768))
    let s = GraphScenario(
      batch: 1, promptTokens: 1, contextTokens: 8000,
      weightFormat: .weights(.bf16), cacheFormat: format, sramBytes: 65536)
    let full = GraphScenario(
      batch: 1, promptTokens: 1, contextTokens: 2768,
      weightFormat: .weights(.bf16), cacheFormat: .cache(.bf16),
      sramBytes: 65536)
    func attention(_ g: GraphScenario) throws -> Operator {
      try #require(
        OperatorGraphBuilder.decode(KVEvictionTests.model, g).operators.first {
          $0.kind == .attention
        })
    }
    // The same keys as one full cache of 0.25 · 8000 + 0.75 · 1024.
    #expect(try attention(s).bytes == attention(full).bytes)
  }
}

/// Block-sparse prefill in the operator graph.
@Suite("Block-sparse prefill")
struct BlockSparsePrefillTests {
  static func graph(_ density: Double?) -> OperatorGraph {
    var s = GraphScenario(
      batch: 1, promptTokens: 8192, contextTokens: 8193,
      weightFormat: .weights(.bf16), cacheFormat: .cache(.bf16),
      sramBytes: 228 * 1024)
    s.attentionDensity = density
    return OperatorGraphBuilder.prefill(KVEvictionTests.model, s)
  }

  @Test("at density 1 the graph is dense FlashAttention-2's")
  func dense() {
    #expect(Self.graph(1) == Self.graph(nil))
  }

  @Test(
    "at density 0.1 attention moves the block-sparse model's bytes at the dense tiling, and 64 queries select blocks: 2 · 64 · 8192 · 128 · 32 FLOPs"
  )
  func sparse() throws {
    let dense = try #require(
      Self.graph(nil).operators.first { $0.kind == .attention })
    let sparseGraph = Self.graph(0.1)
    let sparse = try #require(
      sparseGraph.operators.first { $0.kind == .attention })
    let shape = AttentionShape(
      batch: 1, heads: 32, kvHeads: 8, queryLength: 8192, keyLength: 8192,
      headDim: 128, causal: true, elementBytes: 2)
    let tiling = try FlashAttentionIO.bestTiling(
      shape, sramBytes: 228 * 1024, order: .queryOuter, exhaustive: false
    ).tiling
    let saved =
      FlashAttentionIO.traffic(shape, tiling: tiling, order: .queryOuter)
      .totalBytes
      - BlockSparseAttentionIO.traffic(shape, tiling: tiling, density: 0.1)
      .totalBytes
    #expect(saved > 0)
    #expect(dense.bytes - sparse.bytes == saved)
    #expect(sparse.flops < 0.2 * dense.flops)
    let selection = try #require(
      sparseGraph.operators.first { $0.name.contains("MInference") })
    let expected: Double = 2 * 64 * 8192 * 128 * 32
    #expect(selection.flops == expected)
  }
}

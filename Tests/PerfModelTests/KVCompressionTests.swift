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

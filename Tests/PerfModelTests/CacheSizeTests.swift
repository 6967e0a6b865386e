import PerfModel
import Testing

@Suite("KV cache and recurrent state sizes")
struct CacheSizeTests {
  static let bf16 = StorageFormat.cache(.bf16)

  @Test(
    "KV bytes per token equal 2 · layers · KV heads · head dim · bytes",
    arguments: [
      // Llama-3-8B: 2·32·8·128·2 = 131072 (config.json).
      (Fixtures.llama3With8B, 131_072.0),
      // Llama-3-70B: 2·80·8·128·2 = 327680.
      (Fixtures.llama3With70B, 327_680.0),
      // DeepSeek-V3 MLA: (512 + 64)·61·2 = 70272.
      (Fixtures.deepSeekMLA, 70_272.0),
      // Jamba pattern: 4 attention layers, 2·4·8·128·2 = 16384.
      (Fixtures.jambaLike, 16_384.0),
      // Mamba has no per-token cache.
      (Fixtures.mamba2Point8B, 0.0),
    ])
  func kvPerToken(model: ModelArchitecture, expected: Double) {
    #expect(model.cacheBytesPerToken(format: Self.bf16) == expected)
  }

  @Test("a sliding window caps the cache at the window")
  func slidingWindow() {
    let m = Fixtures.mistral7B
    // Below the window: 1000 · 131072; above it: 4096 · 131072.
    #expect(
      m.cacheBytesPerRequest(context: 1000, format: Self.bf16) == 1000 * 131_072
    )
    #expect(
      m.cacheBytesPerRequest(context: 10_000, format: Self.bf16) == 4096
        * 131_072)
  }

  @Test("Mamba state is conv + SSM state, constant in context")
  func mambaState() {
    // Mamba-2.8B: 64 · (5120·4 + 5120·16) · 2 B = 13,107,200.
    let m = Fixtures.mamba2Point8B
    #expect(m.stateBytesPerRequest(format: Self.bf16) == 13_107_200)
    #expect(m.cacheBytesPerRequest(context: 1, format: Self.bf16) == 13_107_200)
    #expect(
      m.cacheBytesPerRequest(context: 1_000_000, format: Self.bf16)
        == 13_107_200)
    // Mamba2-780m: 48 · ((3072 + 2·128)·4 + 48·64·128) · 2 B = 39,026,688.
    #expect(
      Fixtures.mamba2With780M.stateBytesPerRequest(format: Self.bf16)
        == 39_026_688
    )
  }

  @Test("a hybrid adds attention KV per token to Mamba state")
  func hybrid() {
    // 28 Mamba layers · (8192·4 + 8192·16) · 2 B = 9,175,040 of state,
    // plus 16384 B per token from the 4 attention layers.
    let m = Fixtures.jambaLike
    #expect(m.stateBytesPerRequest(format: Self.bf16) == 9_175_040)
    #expect(
      m.cacheBytesPerRequest(context: 100_000, format: Self.bf16) == 9_175_040
        + 100_000 * 16_384)
  }

  @Test(
    "KV data types: bytes per token of Llama-3-8B",
    arguments: [
      (DataType.fp32, 262_144.0),  // 65536 elements · 4
      (.fp16, 131_072.0),
      (.fp8, 65_536.0),  // per-tensor scale, counted as 0
      // 65536 + 2 B scale per 128-element head vector (512 vectors)
      (.int8, 66_560.0),
      // 65536 · 0.5 + 4 B per group of 32 (2048 groups)
      (.int4, 40_960.0),
    ])
  func kvDataTypes(type: DataType, expected: Double) {
    #expect(
      Fixtures.llama3With8B.cacheBytesPerToken(format: .cache(type)) == expected
    )
  }

  @Test(
    "tensor parallelism splits KV heads, replicates fewer heads than ranks and MLA latents"
  )
  func tensorParallelSplit() {
    let layer = Fixtures.llama3With70B.layerGroups[0].layer
    // 8 KV heads over 8 ranks: 2·1·128·2 = 512 B per token per layer.
    #expect(
      layer.cacheBytesPerToken(tensorParallel: 8, format: Self.bf16) == 512)
    // Over 16 ranks each still holds one (replicated) KV head.
    #expect(
      layer.cacheBytesPerToken(tensorParallel: 16, format: Self.bf16) == 512)
    // MLA's latent is the same on every rank: (512 + 64) · 2 = 1152.
    let mla = Fixtures.deepSeekMLA.layerGroups[0].layer
    #expect(
      mla.cacheBytesPerToken(tensorParallel: 8, format: Self.bf16) == 1152)
    // Mamba state splits by inner channels: (5120/4)·(4 + 16)·2 = 51200.
    let mamba = Fixtures.mamba2Point8B.layerGroups[0].layer
    #expect(mamba.stateBytes(tensorParallel: 4, format: Self.bf16) == 51_200)
  }
}

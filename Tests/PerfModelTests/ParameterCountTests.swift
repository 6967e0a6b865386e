import PerfModel
import Testing

@Suite("Parameter counts")
struct ParameterCountTests {
  @Test("Llama-3-8B has exactly 8,030,261,248 parameters")
  func llama3With8B() {
    // Per layer: attention 2·4096² + 2·4096·1024 = 41,943,040; MLP
    // 3·4096·14336 = 176,160,768; norms 8192 → 218,112,000. 32 layers
    // = 6,979,584,000; embeddings and untied head 2·128256·4096 =
    // 1,050,673,152; final norm 4096. The published count is 8,030,261,248.
    #expect(Fixtures.llama3With8B.totalParameters == 8_030_261_248)
  }

  @Test("Mamba-2.8B layer parameters follow the Mamba-1 block")
  func mamba() {
    // in_proj 2560·10240 + conv 5120·4 + 5120 + x_proj 5120·(160 + 32)
    // + dt_proj 160·5120 + 5120 + A 5120·16 + D 5120 + out 5120·2560
    // + norm 2560 = 41,244,160.
    let layer = Fixtures.mamba2Point8B.layerGroups[0].layer
    #expect(layer.parameters(hiddenSize: 2560, tensorParallel: 1) == 41_244_160)
    // 64 layers + tied embedding 50280·2560 + final norm = 2,768,345,600.
    #expect(Fixtures.mamba2Point8B.totalParameters == 2_768_345_600)
  }

  @Test("Mamba2-780m parameters follow the Mamba-2 block")
  func mamba2() {
    // in_proj 1536·(2·3072 + 2·128 + 48) = 9,904,128; conv (3072 + 256)·5
    // = 16,640; dt_bias, A_log, D 144; norm 3072; out 3072·1536 =
    // 4,718,592; layer norm 1536 → 14,644,112 per layer.
    let layer = Fixtures.mamba2With780M.layerGroups[0].layer
    #expect(layer.parameters(hiddenSize: 1536, tensorParallel: 1) == 14_644_112)
  }

  @Test("tensor-parallel shards sum to the whole for evenly split layers")
  func shardsSum() {
    let layer = Fixtures.llama3With70B.layerGroups[0].layer
    let whole = layer.parameters(hiddenSize: 8192, tensorParallel: 1)
    // Norms (2·8192) are replicated on each of the 8 ranks.
    let shards = 8 * layer.parameters(hiddenSize: 8192, tensorParallel: 8)
    #expect(shards == whole + 7 * 2 * 8192)
  }

  @Test("an MoE token reads the router, its top-k experts and shared experts")
  func activeExperts() {
    let expert = MLPSpec(intermediateSize: 2048, gated: true)
    let moe = FeedForwardSpec.moe(
      MixtureOfExpertsSpec(
        experts: 256, expertsPerToken: 8, expert: expert, sharedExperts: 1,
        sharedExpert: expert, routerBias: true))
    // One expert: 3·7168·2048 = 44,040,192. Router 7168·256 + 256 bias.
    let router = 7168.0 * 256 + 256
    #expect(
      moe.parameters(hiddenSize: 7168, tensorParallel: 1, activeOnly: true)
        == router + 9 * 44_040_192)
    #expect(
      moe.parameters(hiddenSize: 7168, tensorParallel: 1, activeOnly: false)
        == router + 257 * 44_040_192)
  }
}

import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

@Suite("The catalogue in hardware/ and workloads/")
struct CatalogTests {
  static let catalog = Catalog(root: Repository.root)

  @Test("every descriptor loads, with its name equal to its file name")
  func everyFileLoads() throws {
    let c = Self.catalog
    let devices = try c.names(.devices).map { try c.device($0) }
    #expect(devices.count >= 14)
    for d in devices {
      #expect(d.mainMemory.capacityBytes > 0)
      #expect(
        ["compute", "memory", "interconnect"].allSatisfy {
          d.sources[$0] != nil
        })
    }
    #expect(try c.names(.nodes).map { try c.node($0) }.count >= 2)
    #expect(try c.names(.clusters).map { try c.cluster($0) }.count >= 1)
    let scenarios = try c.names(.scenarios).map { try c.scenario($0) }
    #expect(scenarios.count >= 3)
    #expect(scenarios.allSatisfy { $0.contextTokens != nil })
    let models = try c.names(.workloads).map { try c.model($0) }
    #expect(models.count >= 14)
    #expect(Set(models.map(\.name)) == Set(c.names(.workloads)))
  }

  @Test("the catalogue covers every family the issue lists")
  func families() throws {
    let tags = Set(
      try Self.catalog.names(.workloads).flatMap {
        try Self.catalog.model($0).families
      })
    for family in [
      "MHA", "GQA", "MQA", "MLA", "MoE", "sliding-window", "SSM (Mamba)",
      "SSM (Mamba-2)",
      "linear attention", "hybrid",
    ] {
      #expect(tags.contains(family), "no workload is \(family)")
    }
  }

  @Test(
    "KV bytes per token in bf16, derived from each config",
    arguments: [
      ("llama-3-8b", 131_072.0),  // 2·32·8·128·2
      ("llama-3-70b", 327_680.0),  // 2·80·8·128·2
      ("llama-3.1-405b", 516_096.0),  // 2·126·8·128·2
      // 2·32·8·128·2, before the 4096 window cap
      ("mistral-7b-v0.1", 131_072.0),
      ("mixtral-8x7b", 131_072.0),  // 2·32·8·128·2
      ("yi-34b", 245_760.0),  // 2·60·8·128·2
      ("qwen2-72b", 327_680.0),  // 2·80·8·128·2
      ("gpt-3-175b", 4_718_592.0),  // 2·96·96·128·2
      ("falcon-7b", 8_192.0),  // 2·32·1·64·2 (MQA)
      ("deepseek-v3", 70_272.0),  // (512 + 64)·61·2 (MLA latent + RoPE key)
      ("jamba-v0.1", 16_384.0),  // 2·4·8·128·2 (4 attention layers of 32)
      ("mamba-2.8b", 0.0),
      ("mamba2-780m", 0.0),
      ("gla-1.3b", 0.0),
    ])
  func kvPerToken(name: String, expected: Double) throws {
    let model = try Self.catalog.model(name)
    #expect(model.cacheBytesPerToken(format: .cache(.bf16)) == expected)
  }

  @Test(
    "recurrent state per request in bf16, derived from each config",
    arguments: [
      ("mamba-2.8b", 13_107_200.0),  // 64·(5120·4 + 5120·16)·2
      ("mamba2-780m", 39_026_688.0),  // 48·((3072 + 256)·4 + 48·64·128)·2
      ("jamba-v0.1", 9_175_040.0),  // 28·(8192·4 + 8192·16)·2
      ("gla-1.3b", 25_165_824.0),  // 24·4·256·512·2
    ])
  func statePerRequest(name: String, expected: Double) throws {
    let model = try Self.catalog.model(name)
    #expect(model.stateBytesPerRequest(format: .cache(.bf16)) == expected)
  }

  @Test(
    "parameter totals match the published ones",
    arguments: [
      // (name, published total, published active, relative tolerance)
      // HF model card, exact
      ("llama-3-8b", 8.030_261_248e9, 8.030_261_248e9, 1e-12),
      // Mistral AI: 46.7B total, 12.9B active
      ("mixtral-8x7b", 46.7e9, 12.9e9, 0.005),
      // DeepSeek-V3 report: 671B, 37B activated
      ("deepseek-v3", 671e9, 37e9, 0.02),
      ("jamba-v0.1", 52e9, 12e9, 0.02),  // AI21: 52B total, 12B active
      ("gpt-3-175b", 175e9, 175e9, 0.005),  // Brown et al. 2020
      ("mamba-2.8b", 2.77e9, 2.77e9, 0.005),  // state-spaces model card
      ("mamba2-780m", 780e6, 780e6, 0.005),
    ])
  func publishedTotals(
    name: String, total: Double, active: Double, tolerance: Double
  ) throws {
    let model = try Self.catalog.model(name)
    #expect(
      approximately(model.totalParameters, total, relativeTolerance: tolerance))
    #expect(
      approximately(
        model.activeParametersPerToken, active, relativeTolerance: tolerance))
  }

  @Test("a node resolves its device, a cluster its node")
  func nodesAndClusters() throws {
    let target = try Self.catalog.hardware("dgx-h100-superpod-32")
    #expect(target.deviceCount == 256)  // 32 nodes · 8 GPUs
    #expect(target.device.name == "h100-sxm")
  }

  @Test(
    "DeepSeek-V3's fp8 checkpoint is read as fp8 layers over bf16 embeddings")
  func fp8Checkpoint() throws {
    let model = try Self.catalog.model("deepseek-v3")
    #expect(model.quantizedWeightDataType == .fp8)
    #expect(model.weightDataType == .bf16)
  }
}

@Suite("roofline memory's model answers for every family")
struct FamilyMemoryTests {
  @Test(
    "cache per request at a context, through the whole estimate",
    arguments: [
      // (model, context, bytes) — bf16 cache, one device, derived by hand:
      ("llama-3-8b", 8192, 1_073_741_824.0),  // GQA: 8192 · 131072
      ("gpt-3-175b", 2048, 9_663_676_416.0),  // MHA: 2048 · 4718592
      ("falcon-7b", 2048, 16_777_216.0),  // MQA: 2048 · 8192
      ("mistral-7b-v0.1", 32768, 536_870_912.0),  // window: 4096 · 131072
      ("mixtral-8x7b", 32768, 4_294_967_296.0),  // MoE: 32768 · 131072
      ("deepseek-v3", 32768, 2_302_672_896.0),  // MLA: 32768 · 70272
      ("mamba-2.8b", 32768, 13_107_200.0),  // SSM: constant
      ("mamba2-780m", 32768, 39_026_688.0),  // SSM (Mamba-2): constant
      ("gla-1.3b", 32768, 25_165_824.0),  // linear attention: constant
      ("jamba-v0.1", 32768, 546_045_952.0),  // hybrid: 9175040 + 32768 · 16384
    ])
  func perFamily(name: String, context: Int, bytes: Double) throws {
    let catalog = Catalog(root: Repository.root)
    let model = try catalog.model(name)
    let scenario = MemoryScenario(
      contextTokens: context, weightFormat: .weights(.bf16),
      cacheFormat: .cache(.bf16),
      allowBeyondModelContext: true)
    let e = try MemoryModel.estimate(
      model, on: try catalog.device("h200"), scenario)
    #expect(e.cacheBytesPerRequest == bytes)
    #expect(e.stages[0].cacheBytesPerRequest == bytes)
  }
}

import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// A graph's FlashAttention operator and the same kernel timed alone are
/// priced alike by the calibrated descriptor: the operator's work counts
/// its operands' footprint as the measured kernel's does (the traffic
/// less the K/V re-reads), so a fitted stream term is not charged on
/// re-reads the cache serves.
@Suite("One pricer: a graph's attention and the kernel timed alone")
struct OnePricerAttentionTests {
  @Test(
    "causal 32K, 32 heads of 128: within 1% (the operator also writes the KV cache)"
  )
  func flashAttention() throws {
    let catalog = Catalog(root: Repository.root)
    let device = try catalog.device("h200-calibrated")
    let entry = try #require(
      device.calibration?.entries["flash-attention/flash"])
    let shape = AttentionShape(
      batch: 1, heads: 32, kvHeads: 32, queryLength: 32768,
      keyLength: 32768, headDim: 128, causal: true, elementBytes: 2)
    let kernel = try KernelCostModel.estimate(
      KernelWork(
        KernelWorkload(
          kind: .flashAttention, shape: .attention(shape), dataType: .bf16,
          backend: "flash", launchMode: .graph), on: device),
      dataType: .bf16, on: device, efficiency: entry.efficiency
    ).seconds
    let layer = LayerSpec(
      mixer: .attention(
        AttentionSpec(queryHeads: 32, kvHeads: 32, headDim: 128)),
      feedForward: .none, normParameters: 0)
    let model = ModelArchitecture(
      name: "one", modelType: "llama", hiddenSize: 4096, vocabSize: 32000,
      maxContextTokens: 1 << 20, tieWordEmbeddings: false,
      finalNormParameters: 0, layerGroups: [LayerGroup(count: 1, layer: layer)],
      weightDataType: .bf16, source: "test")
    var scenario = GraphScenario(
      batch: 1, promptTokens: 32768, contextTokens: 32769,
      weightFormat: .weights(.bf16), cacheFormat: .cache(.bf16),
      sramBytes: device.sramBytesPerUnit ?? 65536)
    scenario.engine = .torch
    scenario.computeUnits = device.compute.unitCount
    let op = try #require(
      OperatorGraphBuilder.prefill(model, scenario).operators.first {
        $0.kind == .attention
      })
    let priced = try KernelPricer(
      device: device, efficiency: .defaults, calibration: device.calibration,
      engine: .torch
    ).time(op, in: .prefill).time.seconds
    #expect(approximately(priced, kernel, relativeTolerance: 0.01))
  }
}

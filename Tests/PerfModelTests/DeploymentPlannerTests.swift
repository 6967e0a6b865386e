import PerfModel
import TestSupport
import Testing

@Suite("Deployment planning")
struct DeploymentPlannerTests {
  static func priced(_ device: DeviceSpec, _ usd: Double) -> DeviceSpec {
    var d = device
    d.price = PriceSpec(usdPerHour: usd, basis: "on-demand", date: "test")
    return d
  }

  @Test(
    "the cheapest feasible configuration comes first, and the front is ordered")
  func cheapest() {
    let a100 = Self.priced(RooflinePredictionTests.a100, 2)
    let request = DeploymentPlanner.Request(
      promptTokens: 512, outputTokens: 128, ttftSeconds: 10, tpotSeconds: 1,
      deviceCounts: [1, 2], batches: [1, 8])
    let r = DeploymentPlanner.search(
      Fixtures.llama3With8B, devices: [a100], request: request,
      weightType: .bf16,
      cacheFormat: .cache(.bf16), efficiency: .ideal)
    #expect(r.binding == nil)
    let costs = r.feasible.map(\.cost.usdPerMillionOutputTokens)
    #expect(costs == costs.sorted())
    // Along the front, each step buys a lower TPOT for a higher cost.
    for (cheaper, dearer) in zip(r.pareto, r.pareto.dropFirst()) {
      #expect(dearer.tpotSeconds < cheaper.tpotSeconds)
      #expect(
        dearer.cost.usdPerMillionOutputTokens
          >= cheaper.cost.usdPerMillionOutputTokens)
    }
    // Batch 8 on one device serves 8× the tokens of batch 1 for well under
    // 8× the step time (decode is weight-bound), so it is the cheapest.
    #expect(r.feasible.first?.batch == 8)
    #expect(r.feasible.first?.devices == 1)
  }

  @Test("an unreachable TPOT names TPOT as the binding constraint")
  func binding() {
    let a100 = Self.priced(RooflinePredictionTests.a100, 2)
    // A batch-1 decode step streams ~14.7 GB of weights: ≥ 7 ms at 2 TB/s.
    let request = DeploymentPlanner.Request(
      promptTokens: 128, outputTokens: 16, ttftSeconds: 10, tpotSeconds: 0.001,
      deviceCounts: [1], batches: [1])
    let r = DeploymentPlanner.search(
      Fixtures.llama3With8B, devices: [a100], request: request,
      weightType: .bf16,
      cacheFormat: .cache(.bf16), efficiency: .ideal)
    #expect(r.feasible.isEmpty)
    #expect(r.binding?.hasPrefix("TPOT") == true)
  }

  @Test("a device that cannot run the model is named with why, not memory")
  func dataTypeRefusal() {
    var a100 = Self.priced(RooflinePredictionTests.a100, 2)
    // Without a bf16 peak the device cannot price bf16 activations.
    a100.compute.matrixFLOPsPerSecond[.bf16] = nil
    a100.compute.vectorFLOPsPerSecond[.bf16] = nil
    let request = DeploymentPlanner.Request(
      promptTokens: 128, outputTokens: 16, ttftSeconds: 10, tpotSeconds: 1,
      deviceCounts: [1], batches: [1])
    let r = DeploymentPlanner.search(
      Fixtures.llama3With8B, devices: [a100], request: request,
      weightType: .bf16, cacheFormat: .cache(.bf16), efficiency: .ideal)
    #expect(r.feasible.isEmpty)
    #expect(
      r.binding?.hasPrefix("\(a100.name): ") == true, "\(r.binding ?? "")")
    #expect(r.binding?.contains("memory") == false)
  }

  @Test("the search splits device counts into TP × PP and keeps both")
  func pipelineSplits() {
    var a100 = Self.priced(RooflinePredictionTests.a100, 2)
    a100.interconnect.scaleUp = LinkSpec(
      name: "NVLink 3", bandwidthBytesPerSecondPerDirection: 300e9,
      latencySeconds: 0)
    let request = DeploymentPlanner.Request(
      promptTokens: 512, outputTokens: 128, ttftSeconds: 10, tpotSeconds: 1,
      deviceCounts: [4], batches: [8], pipelineDegrees: [1, 2, 4])
    let r = DeploymentPlanner.search(
      Fixtures.llama3With8B, devices: [a100], request: request,
      weightType: .bf16, cacheFormat: .cache(.bf16), efficiency: .ideal)
    // 4 devices: TP 4, TP 2 × PP 2, and PP 4, all feasible at these targets.
    let splits = Set(
      r.feasible.map { [$0.tensorParallel, $0.pipelineParallel] })
    #expect(splits == [[4, 1], [2, 2], [1, 4]])
    #expect(
      r.feasible.allSatisfy { $0.tensorParallel * $0.pipelineParallel == 4 })
    // Decode is weight-bound: TP 4 streams a quarter of the ~16 GB of
    // weights a step (~2 ms at 2.039 TB/s, plus small all-reduces), while
    // PP 4's round of 4 micro-batches streams each stage's quarter once
    // per micro-batch, the whole model per token (~7.5 ms).
    let tpot = Dictionary(
      uniqueKeysWithValues: r.feasible.map {
        ($0.pipelineParallel, $0.tpotSeconds)
      })
    #expect((tpot[1] ?? .infinity) < 3e-3)
    #expect((tpot[4] ?? 0) > 7e-3)
  }
}

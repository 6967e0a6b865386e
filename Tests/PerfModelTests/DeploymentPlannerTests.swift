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
      cacheType: .bf16, efficiency: .ideal)
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
      cacheType: .bf16, efficiency: .ideal)
    #expect(r.feasible.isEmpty)
    #expect(r.binding?.hasPrefix("TPOT") == true)
  }
}

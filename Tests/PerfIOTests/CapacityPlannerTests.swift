import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// The capacity search against the simulations it summarises.
@Suite("Capacity planning by simulation")
struct CapacityPlannerTests {
  @Test(
    "the sustained rate meets both P99 objectives and 5% more misses one; the target takes ⌈rate / sustained⌉ replicas"
  )
  func sustainedRateBinds() throws {
    let s = try ServingSimulatorTests.setup()
    let base = WorkloadGenerator.requests(
      count: 400, arrivals: .poisson(ratePerSecond: 1),
      prompt: WorkloadGenerator.Profile.chat.prompt,
      output: WorkloadGenerator.Profile.chat.output, seed: 9)
    let workload: (Double) -> [ServingRequest] = { r in
      base.map {
        var q = $0
        q.arrivalSeconds /= r
        return q
      }
    }
    let objectives = CapacityPlanner.Objectives(
      ttftP99Seconds: 0.3, tbtP99Seconds: 0.03)
    let policy = SchedulerPolicy(
      kind: .continuous, maxSequences: 64, tokenBudget: 2048)
    let memory = MemoryScenario(
      contextTokens: 4096, weightFormat: .weights(.bf16),
      cacheFormat: .cache(.bf16))
    let result = CapacityPlanner.search(
      s.model,
      configurations: [
        .init(device: s.device, tensorParallel: 1, policy: policy)
      ],
      targetRate: 50, objectives: objectives, workload: workload,
      scenario: s.scenario, memory: memory, efficiency: .defaults)
    let f = try #require(result.feasible.first)
    let rate = f.sustainedRequestsPerSecondPerReplica
    #expect(f.replicas == Int((50 / rate).rounded(.up)))
    func p99s(_ r: Double) throws -> (Double, Double) {
      let run = try ServingSimulator.run(
        workload(r), replicas: 1, policy: policy, pricer: s.pricer,
        pool: s.pool)
      let summary = SimulationSummary(run)
      return (summary.ttftSeconds.p99, summary.timeBetweenTokensSeconds.p99)
    }
    let at = try p99s(rate)
    #expect(at.0 <= 0.3 && at.1 <= 0.03)
    let above = try p99s(rate * 1.05)
    #expect(above.0 > 0.3 || above.1 > 0.03)
  }
}

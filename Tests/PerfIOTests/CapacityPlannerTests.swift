import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// The capacity search against the simulations it summarises.
@Suite("Capacity planning by simulation")
struct CapacityPlannerTests {
  /// Seeded chat requests, Poisson at 1 req/s, their arrivals scaled to
  /// a rate.
  static func chat(count: Int) -> (Double) -> [ServingRequest] {
    let base = WorkloadGenerator.requests(
      count: count, arrivals: .poisson(ratePerSecond: 1),
      prompt: WorkloadGenerator.Profile.chat.prompt,
      output: WorkloadGenerator.Profile.chat.output, seed: 9)
    return { r in
      base.map {
        var q = $0
        q.arrivalSeconds /= r
        return q
      }
    }
  }

  @Test(
    "the sustained rate meets both P99 objectives and 5% more misses one; the target takes ⌈rate / sustained⌉ replicas"
  )
  func sustainedRateBinds() throws {
    let s = try ServingSimulatorTests.setup()
    let workload = Self.chat(count: 400)
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
    #expect(f.binding != "throughput")
  }

  @Test(
    "with objectives any finite workload meets, the sustained rate is the saturation rate (to the bisection's 2%), not unbounded"
  )
  func throughputBinds() throws {
    let s = try ServingSimulatorTests.setup()
    let workload = Self.chat(count: 300)
    let policy = SchedulerPolicy(
      kind: .continuous, maxSequences: 64, tokenBudget: 2048)
    let result = CapacityPlanner.search(
      s.model,
      configurations: [
        .init(device: s.device, tensorParallel: 1, policy: policy)
      ],
      targetRate: 10,
      objectives: .init(ttftP99Seconds: 1e4, tbtP99Seconds: 1e3),
      workload: workload, scenario: s.scenario,
      memory: MemoryScenario(
        contextTokens: 4096, weightFormat: .weights(.bf16),
        cacheFormat: .cache(.bf16)), efficiency: .defaults)
    let f = try #require(result.feasible.first, "\(result.refused)")
    #expect(f.binding == "throughput")
    let burst = try ServingSimulator.run(
      workload(1e9), replicas: 1, policy: policy, pricer: s.pricer,
      pool: s.pool)
    let saturation = try #require(
      CapacityPlanner.saturationRate(
        scheduled: burst.requests.map(\.scheduledSeconds),
        completed: burst.requests.map(\.completionSeconds)))
    let rate = f.sustainedRequestsPerSecondPerReplica
    #expect(rate <= saturation && rate >= 0.98 * saturation * 0.98)
  }

  @Test(
    "the saturation rate: admissions after the first completion over the time to the last; too few to tell is nil"
  )
  func saturationRate() {
    // 64 admitted at 0, the first completion at 2 s, then one admission
    // every 0.05 s: 40 admissions in 2 s, 20 a second.
    let later = (1...40).map { 2 + 0.05 * Double($0) }
    let scheduled = Array(repeating: 0.0, count: 64) + later
    let completed = [2.0] + Array(repeating: 9.0, count: 103)
    let rate = CapacityPlanner.saturationRate(
      scheduled: scheduled, completed: completed)
    #expect(
      rate.map { approximately($0, 20, relativeTolerance: 1e-12) } == true)
    #expect(
      CapacityPlanner.saturationRate(
        scheduled: Array(scheduled.prefix(64 + 15)),
        completed: Array(completed.prefix(64 + 15))) == nil)
  }
}

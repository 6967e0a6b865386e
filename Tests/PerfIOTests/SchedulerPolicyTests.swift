import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

@Suite("Prefix caching in the simulation")
struct PrefixCachingTests {
  @Test(
    "a later request of a cached prefix group prefills after the prefix's whole blocks: predict's TTFT with that prefix reused (1e-9)"
  )
  func reusedPrefix() throws {
    let s = try ServingSimulatorTests.setup()
    let requests = [
      ServingRequest(
        arrivalSeconds: 0, promptTokens: 1100, outputTokens: 4,
        prefixGroup: 7, prefixTokens: 1000),
      ServingRequest(
        arrivalSeconds: 5, promptTokens: 1100, outputTokens: 4,
        prefixGroup: 7, prefixTokens: 1000),
    ]
    let r = try ServingSimulator.run(
      requests, replicas: 1,
      policy: SchedulerPolicy(kind: .continuous, prefixCaching: true),
      pricer: s.pricer, pool: s.pool)
    var g = s.scenario
    g.promptTokens = 1100
    g.contextTokens = 1104
    func ttft(reusing prefix: Int) throws -> Double {
      try ServingPrediction.predict(
        s.model, on: s.device, g, outputTokens: 4, efficiency: .defaults,
        calibration: s.device.calibration,
        prefill: PrefillOptions(cachedPrefixTokens: prefix)
      ).ttftSeconds
    }
    // 1000 tokens hold 62 whole blocks of 16: 992 tokens reused.
    #expect(r.requests[1].reusedPrefixTokens == 992)
    #expect(r.requests[0].reusedPrefixTokens == 0)
    #expect(
      approximately(
        r.requests[0].ttftSeconds, try ttft(reusing: 0),
        relativeTolerance: 1e-9))
    #expect(
      approximately(
        r.requests[1].ttftSeconds, try ttft(reusing: 992),
        relativeTolerance: 1e-9))
  }

  @Test(
    "under cache pressure with prefix caching every request completes, prefixes are reused, sequences are preempted, and stretches give the pass-by-pass times (1e-9)"
  )
  func evictionUnderPressure() throws {
    let s = try ServingSimulatorTests.setup()
    let requests = WorkloadGenerator.requests(
      count: 300, arrivals: .poisson(ratePerSecond: 40),
      prompt: WorkloadGenerator.Profile.chat.prompt,
      output: WorkloadGenerator.Profile.chat.output, seed: 4,
      prefixTokens: 500, prefixGroups: 20)
    var pool = s.pool
    pool.capacityBytes = 800 * 16 * pool.bytesPerToken
    let policy = SchedulerPolicy(
      kind: .continuous, maxSequences: 128, tokenBudget: 2048,
      prefixCaching: true)
    let fast = try ServingSimulator.run(
      requests, replicas: 1, policy: policy, pricer: s.pricer, pool: pool)
    let slow = try ServingSimulator.run(
      requests, replicas: 1, policy: policy, pricer: s.pricer, pool: pool,
      decodeStretches: false)
    #expect(fast.requests.allSatisfy { $0.completionSeconds > 0 })
    #expect(fast.requests.contains { $0.reusedPrefixTokens > 0 })
    #expect(fast.requests.reduce(0) { $0 + $1.preemptions } > 0)
    for (a, b) in zip(fast.requests, slow.requests) {
      #expect(
        approximately(
          a.completionSeconds, b.completionSeconds, relativeTolerance: 1e-9))
    }
  }
}

@Suite("Preemption by swapping")
struct SwapPreemptionTests {
  @Test(
    "swapped sequences resume without recomputing: the passes prefill exactly the prompts, where recompute prefills more; stretches give the pass-by-pass times (1e-9)"
  )
  func swapKeepsWork() throws {
    let s = try ServingSimulatorTests.setup()
    let requests = WorkloadGenerator.requests(
      count: 300, arrivals: .poisson(ratePerSecond: 40),
      prompt: WorkloadGenerator.Profile.chat.prompt,
      output: WorkloadGenerator.Profile.chat.output, seed: 7)
    var pool = s.pool
    pool.capacityBytes = 600 * 16 * pool.bytesPerToken
    func run(_ p: SchedulerPolicy.Preemption, stretches: Bool = true) throws
      -> ServingSimulator.Result
    {
      try ServingSimulator.run(
        requests, replicas: 1,
        policy: SchedulerPolicy(
          kind: .continuous, maxSequences: 128, tokenBudget: 2048,
          preemption: p),
        pricer: s.pricer, pool: pool, recordIterations: true,
        decodeStretches: stretches)
    }
    let swap = try run(.swap)
    let recompute = try run(.recompute)
    let prompts = requests.reduce(0) { $0 + $1.promptTokens }
    func prefilled(_ r: ServingSimulator.Result) -> Int {
      r.iterations.reduce(0) { $0 + $1.prefillTokens }
    }
    #expect(swap.requests.reduce(0) { $0 + $1.preemptions } > 0)
    #expect(recompute.requests.reduce(0) { $0 + $1.preemptions } > 0)
    #expect(prefilled(swap) == prompts)
    #expect(prefilled(recompute) > prompts)
    let slow = try run(.swap, stretches: false)
    for (a, b) in zip(swap.requests, slow.requests) {
      #expect(
        approximately(
          a.completionSeconds, b.completionSeconds, relativeTolerance: 1e-9))
    }
  }
}

@Suite("Prefill–decode disaggregation")
struct DisaggregationTests {
  @Test(
    "a lone request: TTFT is predict's; its second token follows after the cache's transfer (latency + bytes / bandwidth) and one decode step (1e-9)"
  )
  func loneRequest() throws {
    let s = try ServingSimulatorTests.setup()
    let link = try #require(s.device.interconnect.scaleUp)
    let r = try ServingSimulator.runDisaggregated(
      [ServingRequest(arrivalSeconds: 2, promptTokens: 1023, outputTokens: 2)],
      prefillReplicas: 1, decodeReplicas: 1,
      policy: SchedulerPolicy(kind: .continuous), pricer: s.pricer,
      pool: s.pool, link: .init(link: link, efficiency: 0.7))
    let one = try #require(r.requests.first)
    let p = try ServingSimulatorTests.predict(s, prompt: 1023, output: 2)
    #expect(
      approximately(one.ttftSeconds, p.ttftSeconds, relativeTolerance: 1e-9))
    // Llama-3-8B's cache: 2 · 32 layers · 8 heads · 128 · 2 bytes a token.
    let transfer =
      (link.latencySeconds ?? 0) + 131072 * 1023
      / (link.bandwidthBytesPerSecondPerDirection * 0.7)
    let step = try s.pricer.exactDecodeSeconds(sequences: 1, context: 1024)
    #expect(
      approximately(
        one.completionSeconds - one.firstTokenSeconds, transfer + step,
        relativeTolerance: 1e-9))
    #expect(
      approximately(one.maxGapSeconds, transfer + step, relativeTolerance: 1e-9)
    )
  }
}

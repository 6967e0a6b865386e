import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// The serving simulator against what queueing theory and `predict` say.
@Suite("Serving simulation")
struct ServingSimulatorTests {
  struct Setup {
    let model: ModelArchitecture
    let device: DeviceSpec
    let scenario: GraphScenario
    let pricer: IterationPricer
    let pool: CachePool
  }

  /// Llama-3-8B on one calibrated H200, bf16, the reference engine.
  static func setup(_ name: String = "llama-3-8b") throws -> Setup {
    let catalog = Catalog(root: Repository.root)
    let device = try catalog.device("h200-calibrated")
    let model = try catalog.model(name)
    var scenario = GraphScenario(
      batch: 1, promptTokens: 1, contextTokens: 1,
      weightFormat: .weights(.bf16), cacheFormat: .cache(.bf16),
      sramBytes: device.sramBytesPerUnit ?? 65536)
    scenario.engine = .torch
    scenario.computeUnits = device.compute.unitCount
    let pricer = try IterationPricer(
      model, on: device, scenario, efficiency: .defaults,
      calibration: device.calibration)
    let memory = try MemoryModel.estimate(
      model, on: device,
      MemoryScenario(
        contextTokens: 4096, weightFormat: .weights(.bf16),
        cacheFormat: .cache(.bf16)))
    return Setup(
      model: model, device: device, scenario: scenario, pricer: pricer,
      pool: CachePool(memory.stages[memory.bindingStage]))
  }

  static func predict(_ s: Setup, prompt: Int, output: Int) throws
    -> ServingPrediction
  {
    var g = s.scenario
    g.promptTokens = prompt
    g.contextTokens = prompt + output
    return try ServingPrediction.predict(
      s.model, on: s.device, g, outputTokens: output, efficiency: .defaults,
      calibration: s.device.calibration)
  }

  @Test("one whole prompt is priced as predict's prefill (to 1e-9)")
  func prefillPass() throws {
    let s = try Self.setup()
    let p = try Self.predict(s, prompt: 2000, output: 100)
    let pass = try s.pricer.seconds(
      ServingIteration(
        chunks: [.init(tokens: 2000, cachedTokens: 0, samples: true)],
        decodeSequences: 0, decodeContextTokens: 0))
    #expect(approximately(pass, p.ttftSeconds, relativeTolerance: 1e-9))
  }

  @Test(
    "a decode pass between knots is within 0.1% of the exact decode step",
    arguments: [1, 8, 64])
  func decodeInterpolation(sequences: Int) throws {
    let s = try Self.setup()
    for context in [70, 131, 1000, 3001, 8190, 20_000, 31_500] {
      let exact = try s.pricer.exactDecodeSeconds(
        sequences: sequences, context: context)
      let interpolated = try s.pricer.decodeSeconds(
        sequences: sequences, contextTokens: Double(sequences * context))
      #expect(approximately(interpolated, exact, relativeTolerance: 1e-3))
    }
  }

  @Test(
    "a mixed pass reads the weights once: cheaper than its prefill and decode apart, dearer than either"
  )
  func mixedPass() throws {
    for name in ["llama-3-8b", "jamba-v0.1"] {
      let s = try Self.setup(name)
      let chunk = ServingIteration.Chunk(
        tokens: 256, cachedTokens: 512, samples: false)
      let mixed = try s.pricer.seconds(
        ServingIteration(
          chunks: [chunk], decodeSequences: 32,
          decodeContextTokens: 32 * 1500))
      let prefill = try s.pricer.seconds(
        ServingIteration(
          chunks: [chunk], decodeSequences: 0, decodeContextTokens: 0))
      let decode = try s.pricer.seconds(
        ServingIteration(
          chunks: [], decodeSequences: 32, decodeContextTokens: 32 * 1500))
      #expect(mixed < prefill + decode, "\(name)")
      #expect(mixed > max(prefill, decode), "\(name)")
    }
  }

  @Test(
    "one request alone: TTFT is predict's (1e-9), mean TPOT predict's at the mean context (0.5%)"
  )
  func vanishingLoad() throws {
    let s = try Self.setup()
    let p = try Self.predict(s, prompt: 3000, output: 400)
    let r = try ServingSimulator.run(
      [
        ServingRequest(arrivalSeconds: 1, promptTokens: 3000, outputTokens: 400)
      ],
      replicas: 1, policy: SchedulerPolicy(kind: .continuous),
      pricer: s.pricer, pool: s.pool)
    let one = try #require(r.requests.first)
    #expect(
      approximately(one.ttftSeconds, p.ttftSeconds, relativeTolerance: 1e-9))
    // Decode time is linear in the context between kinks, so the mean of
    // the steps is the step at the mean context.
    #expect(
      approximately(one.tpotSeconds, p.tpotSeconds, relativeTolerance: 5e-3))
    #expect(one.queueSeconds == 0)
  }

  @Test(
    "decode stretches give the pass-by-pass times (1e-9), preemptions included"
  )
  func stretchesMatchPasses() throws {
    let s = try Self.setup()
    let requests = WorkloadGenerator.requests(
      count: 300, arrivals: .poisson(ratePerSecond: 40),
      prompt: WorkloadGenerator.Profile.chat.prompt,
      output: WorkloadGenerator.Profile.chat.output, seed: 7)
    // A pool of 600 blocks (9600 tokens) forces preemptions at this load.
    var pool = s.pool
    pool.capacityBytes = 600 * 16 * pool.bytesPerToken
    let policy = SchedulerPolicy(
      kind: .continuous, maxSequences: 128, tokenBudget: 2048)
    // With the unequal-length tail, which a stretch prices from the
    // longest cache as it grows.
    s.pricer.unequalLengthTail = UnequalLengthTail(points: [
      .init(batch: 32, secondsPerToken: 4e-8)
    ])
    let fast = try ServingSimulator.run(
      requests, replicas: 2, policy: policy, pricer: s.pricer, pool: pool)
    let slow = try ServingSimulator.run(
      requests, replicas: 2, policy: policy, pricer: s.pricer, pool: pool,
      decodeStretches: false)
    #expect(fast.requests.reduce(0) { $0 + $1.preemptions } > 0)
    #expect(fast.passes == slow.passes)
    for (a, b) in zip(fast.requests, slow.requests) {
      #expect(a.preemptions == b.preemptions)
      #expect(
        approximately(
          a.completionSeconds, b.completionSeconds, relativeTolerance: 1e-9))
      #expect(
        approximately(
          a.firstTokenSeconds, b.firstTokenSeconds, relativeTolerance: 1e-9))
    }
  }

  @Test(
    "one sequence at a time under Poisson arrivals is M/D/1: mean wait ρS/(2(1−ρ)) within 5%"
  )
  func mD1() throws {
    let s = try Self.setup()
    let policy = SchedulerPolicy(kind: .continuous, maxSequences: 1)
    let alone = try ServingSimulator.run(
      [ServingRequest(arrivalSeconds: 0, promptTokens: 512, outputTokens: 16)],
      replicas: 1, policy: policy, pricer: s.pricer, pool: s.pool)
    let service = try #require(alone.requests.first).completionSeconds
    let rho = 0.5
    let requests = WorkloadGenerator.requests(
      count: 200_000, arrivals: .poisson(ratePerSecond: rho / service),
      prompt: .fixed(512), output: .fixed(16), seed: 11)
    let r = try ServingSimulator.run(
      requests, replicas: 1, policy: policy, pricer: s.pricer, pool: s.pool)
    let wait =
      r.requests.reduce(0) { $0 + $1.queueSeconds }
      / Double(r.requests.count)
    // Pollaczek–Khinchine for deterministic service; the standard error
    // of the mean over 200K customers at ρ = 0.5 is about 1.7%.
    let expected = rho * service / (2 * (1 - rho))
    #expect(approximately(wait, expected, relativeTolerance: 0.05))
  }

  @Test(
    "Little's law: requests in the system equal arrival rate × time in it, within 5%"
  )
  func littlesLaw() throws {
    let s = try Self.setup()
    let requests = WorkloadGenerator.requests(
      count: 4000, arrivals: .poisson(ratePerSecond: 8),
      prompt: WorkloadGenerator.Profile.chat.prompt,
      output: WorkloadGenerator.Profile.chat.output, seed: 3)
    let r = try ServingSimulator.run(
      requests, replicas: 1,
      policy: SchedulerPolicy(kind: .continuous, maxSequences: 64),
      pricer: s.pricer, pool: s.pool)
    let summary = SimulationSummary(r)
    // The passes count a request from the pass after it arrives (a pass
    // lasts tens of milliseconds against seconds in the system).
    let sojourn = summary.endToEndSeconds.mean
    let lambda = Double(r.requests.count) / summary.makespanSeconds
    #expect(
      approximately(
        summary.meanRequestsInSystem, lambda * sojourn,
        relativeTolerance: 0.05))
  }

  @Test(
    "static batching keeps finished sequences as padding: the next request waits for the longest"
  )
  func staticBatching() throws {
    let s = try Self.setup()
    let requests = [
      ServingRequest(arrivalSeconds: 0, promptTokens: 100, outputTokens: 4),
      ServingRequest(arrivalSeconds: 0, promptTokens: 100, outputTokens: 8),
      ServingRequest(arrivalSeconds: 0, promptTokens: 100, outputTokens: 2),
    ]
    let r = try ServingSimulator.run(
      requests, replicas: 1,
      policy: SchedulerPolicy(kind: .static, maxSequences: 2),
      pricer: s.pricer, pool: s.pool, recordIterations: true)
    #expect(r.requests[2].scheduledSeconds == r.requests[1].completionSeconds)
    #expect(r.requests[0].completionSeconds < r.requests[1].completionSeconds)
    // The first batch: one prefill pass and 7 decode passes of both.
    let batch = r.iterations.prefix(8)
    #expect(batch.dropFirst().allSatisfy { $0.decodeSequences == 2 })
    #expect(r.iterations.count == 8 + 2)
  }

  @Test(
    "gamma gaps have the rate's mean and the asked coefficient of variation (2%)"
  )
  func gammaArrivals() {
    for cv in [0.5, 1.0, 3.0] {
      let r = WorkloadGenerator.requests(
        count: 200_000,
        arrivals: .gamma(ratePerSecond: 10, coefficientOfVariation: cv),
        prompt: .fixed(1), output: .fixed(1), seed: 5)
      var gaps: [Double] = []
      var last = 0.0
      for q in r {
        gaps.append(q.arrivalSeconds - last)
        last = q.arrivalSeconds
      }
      let mean = gaps.reduce(0, +) / Double(gaps.count)
      let variance =
        gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(gaps.count)
      #expect(approximately(mean, 0.1, relativeTolerance: 0.02), "cv \(cv)")
      #expect(
        approximately(
          variance.squareRoot() / mean, cv, relativeTolerance: 0.03),
        "cv \(cv)")
    }
  }
}

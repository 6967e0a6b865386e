import Testing

@testable import PerfModel

/// The long-context techniques through `sweep` and `plan`: the compiled
/// sweep prices the same graphs `predict` builds, and the planner's
/// candidates are `predict`'s serving predictions.
@Suite("Long-context techniques in sweep and plan")
struct TechniqueSweepTests {
  /// The formats tried: an eviction budget (scored), sinks and a window
  /// with DuoAttention's retrieval heads, Quest page selection, KIVI int2
  /// with its fp16 window and pruned key channels.
  static let formats: [(String, StorageFormat, Double?)] = {
    var evicted = StorageFormat.cache(.bf16)
    evicted.evictionBudgetTokens = 4096
    var duo = StorageFormat.cache(.bf16)
    duo.evictionBudgetTokens = 4 + 2044
    duo.evictionScored = false
    duo.evictedHeadFraction = 0.75
    var quest = StorageFormat.cache(.bf16)
    quest.pageSelectionTokens = 2048
    quest.pageTokens = 16
    var kivi = StorageFormat.cache(.int2)
    kivi.residualTokens = 128
    kivi.keyChannelFraction = 0.5
    return [
      ("eviction", evicted, nil), ("duo", duo, nil), ("quest", quest, nil),
      ("kivi+think", kivi, nil), ("block-sparse", .cache(.bf16), 0.1),
    ]
  }()

  @Test(
    "each sweep point equals the prefill and decode graphs priced one by one, to 1e-9, and its memory the memory model's"
  )
  func sweepEqualsPredict() throws {
    let model = Fixtures.llama3With8B
    let device = Fixtures.h100
    for (name, format, density) in Self.formats {
      let points = try ScenarioSweep.run(
        model, on: device, contexts: [32768], batches: [1, 8, 64],
        deviceCounts: [1], weightType: .bf16, cacheFormat: format,
        efficiency: .defaults, attentionDensity: density)
      #expect(points.count == 3)
      for p in points {
        let memory = MemoryScenario(
          contextTokens: p.contextTokens, batch: p.batch,
          weightFormat: .weights(.bf16), cacheFormat: format,
          plan: ParallelPlan(tensorParallel: 1),
          allowBeyondModelContext: true)
        var graph = GraphScenario(
          serving: memory, promptTokens: p.contextTokens, outputTokens: 0,
          on: device)
        graph.attentionDensity = density
        let ttft = try PhasePrediction.predict(
          OperatorGraphBuilder.prefill(model, graph), on: device,
          efficiency: .defaults
        ).seconds
        let tpot = try PhasePrediction.predict(
          OperatorGraphBuilder.decode(model, graph), on: device,
          efficiency: .defaults
        ).seconds
        #expect(
          abs(p.ttftSeconds - ttft) <= 1e-9 * ttft, "\(name) × \(p.batch)")
        #expect(
          abs(p.tpotSeconds - tpot) <= 1e-9 * tpot, "\(name) × \(p.batch)")
        let fit = try MemoryModel.estimate(model, on: device, memory)
        #expect(p.maxConcurrentRequests == fit.maxConcurrentRequests, "\(name)")
      }
    }
  }

  @Test(
    "at 32K a 4096-token budget shortens the decode step and admits more requests; block-sparse prefill shortens TTFT"
  )
  func techniquesPay() throws {
    func point(_ format: StorageFormat, _ density: Double?) throws -> SweepPoint
    {
      try #require(
        ScenarioSweep.run(
          Fixtures.llama3With8B, on: Fixtures.h100, contexts: [32768],
          batches: [64], deviceCounts: [1], weightType: .bf16,
          cacheFormat: format, efficiency: .defaults,
          attentionDensity: density
        ).first)
    }
    let dense = try point(.cache(.bf16), nil)
    let evicted = try point(Self.formats[0].1, nil)
    let sparse = try point(.cache(.bf16), 0.1)
    #expect(evicted.tpotSeconds < dense.tpotSeconds)
    #expect(evicted.maxConcurrentRequests > dense.maxConcurrentRequests)
    #expect(sparse.ttftSeconds < dense.ttftSeconds)
    #expect(sparse.tpotSeconds == dense.tpotSeconds)
  }

  @Test(
    "the planner's candidates are the serving predictions of their scenarios, technique included"
  )
  func planEqualsPredict() throws {
    let model = Fixtures.llama3With8B
    let device = DeploymentPlannerTests.priced(RooflinePredictionTests.a100, 2)
    var request = DeploymentPlanner.Request(
      promptTokens: 32000, outputTokens: 768, ttftSeconds: 1e6,
      tpotSeconds: 1e3, deviceCounts: [1], batches: [1, 16],
      pipelineDegrees: [1])
    request.attentionDensity = 0.25
    let format = Self.formats[0].1
    let result = DeploymentPlanner.search(
      model, devices: [device], request: request, weightType: .bf16,
      cacheFormat: format, efficiency: .defaults)
    #expect(result.feasible.count == 2)
    for c in result.feasible {
      let memory = MemoryScenario(
        contextTokens: 32768, batch: c.batch, weightFormat: .weights(.bf16),
        cacheFormat: format, plan: ParallelPlan(tensorParallel: 1),
        allowBeyondModelContext: true)
      var graph = GraphScenario(
        serving: memory, promptTokens: 32000, outputTokens: 768, on: device)
      graph.attentionDensity = 0.25
      let p = try ServingPrediction.predict(
        model, on: device, graph, outputTokens: 768, efficiency: .defaults)
      #expect(c.ttftSeconds == p.ttftSeconds)
      #expect(c.tpotSeconds == p.tpotSeconds)
    }
  }
}

import PerfModel
import TestSupport
import Testing

@Suite("Sweeps' compiled phases against graphs built at each batch")
struct CompiledPhaseTests {
  static let models: [ModelArchitecture] = [
    Fixtures.llama3With8B, Fixtures.mistral7B, Fixtures.mamba2Point8B,
    Fixtures.deepSeekMLA, Fixtures.jambaLike, ParallelismTests.moe,
  ]

  @Test(
    "affine terms plus the touched-expert curve give the roofline of the built graph",
    arguments: models)
  func equalsBuiltGraph(model: ModelArchitecture) throws {
    let device = ParallelismTests.device
    for tp in [1, 2] where (try? model.checkTensorParallel(tp)) != nil {
      for context in [1, 1000, 32768] {
        func scenario(_ batch: Int) -> GraphScenario {
          ParallelismTests.scenario(
            batch: batch, prompt: context, context: context,
            plan: ParallelPlan(tensorParallel: tp))
        }
        for phase in [OperatorGraph.Phase.prefill, .decode] {
          func build(_ batch: Int) -> OperatorGraph {
            phase == .prefill
              ? OperatorGraphBuilder.prefill(model, scenario(batch))
              : OperatorGraphBuilder.decode(model, scenario(batch))
          }
          let compiled = try CompiledPhase(
            one: build(1), two: build(2), on: device, efficiency: .defaults)
          for batch in [1, 3, 17, 256] {
            let built = try PhasePrediction.predict(
              build(batch), on: device, efficiency: .defaults
            ).seconds
            #expect(
              approximately(
                compiled.seconds(batch: batch), built,
                relativeTolerance: 1e-9),
              "\(model.name) tp \(tp) \(phase) at \(context) × \(batch)")
          }
        }
      }
    }
  }

  @Test("a sweep's fit per batch is the memory model's at that batch")
  func fits() throws {
    let model = Fixtures.llama3With8B
    let device = Fixtures.h100
    let points = try ScenarioSweep.run(
      model, on: device, contexts: [8192, 131072], batches: [1, 16, 64, 400],
      deviceCounts: [1, 2], weightType: .bf16, cacheType: .bf16,
      efficiency: .defaults)
    #expect(points.count == 2 * 2 * 4)
    for p in points {
      let m = try MemoryModel.estimate(
        model, on: device,
        MemoryScenario(
          contextTokens: p.contextTokens, batch: p.batch,
          weightFormat: .weights(.bf16), cacheFormat: .cache(.bf16),
          plan: ParallelPlan(tensorParallel: p.devices),
          allowBeyondModelContext: true))
      #expect(p.fits == m.fits)
      #expect(p.maxConcurrentRequests == m.maxConcurrentRequests)
    }
    // Both outcomes occur: 64 × 8K fits on one 80 GiB device, 400 × 128K not.
    #expect(points.contains { $0.fits } && points.contains { !$0.fits })
  }
}

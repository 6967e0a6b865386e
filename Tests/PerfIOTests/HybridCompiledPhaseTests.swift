import PerfIO
import PerfModel
import TestSupport
import Testing

/// The sweep's compiled phases equal the graph built at each batch for
/// the hybrid families too (their recurrent state and KV terms, gated
/// attention, chunked attention, shared blocks).
@Suite("Compiled phases of the hybrid families against built graphs")
struct HybridCompiledPhaseTests {
  static let files = [
    "granite-4.0-h-tiny.json", "nvidia-nemotron-nano-12b-v2-base.json",
    "qwen3-next-80b-a3b-instruct.json", "minimax-text-01-hf.json",
    "falcon-h1-defaults.json", "zamba2-two-blocks-adapters.json",
    "llama-4-scout-17b-16e-instruct.json",
  ]

  @Test(
    "affine in the batch to 1e-9 relative, at 1, 3, 17 and 256",
    arguments: files)
  func equalsBuiltGraph(file: String) throws {
    let model = try ModelFamilyTests.model(file)
    let device = try Catalog(root: Repository.root).device("h200")
    for tp in [1, 2] where (try? model.checkTensorParallel(tp)) != nil {
      for context in [1, 1000, 32768] {
        func build(_ phase: OperatorGraph.Phase, _ batch: Int) -> OperatorGraph
        {
          let s = GraphScenario(
            batch: batch, promptTokens: context, contextTokens: context,
            plan: ParallelPlan(tensorParallel: tp),
            weightFormat: .weights(.bf16), cacheFormat: .cache(.bf16),
            sramBytes: 196_608)
          return phase == .prefill
            ? OperatorGraphBuilder.prefill(model, s)
            : OperatorGraphBuilder.decode(model, s)
        }
        for phase in [OperatorGraph.Phase.prefill, .decode] {
          let compiled = try CompiledPhase(
            one: build(phase, 1), two: build(phase, 2), on: device,
            efficiency: .defaults)
          for batch in [1, 3, 17, 256] {
            let built = try PhasePrediction.predict(
              build(phase, batch), on: device, efficiency: .defaults
            ).seconds
            #expect(
              approximately(
                compiled.seconds(batch: batch), built, relativeTolerance: 1e-9),
              "\(file) tp \(tp) \(phase) at \(context) × \(batch)")
          }
        }
      }
    }
  }
}

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

  /// Fitted entries for the classes the profiles use, with special and
  /// stream terms and eager launches, so every path of the pricer runs.
  static let calibration: KernelCalibration = {
    func entry(_ m: Double, _ b: Double, _ o: Double, special: Double? = nil)
      -> KernelCalibration.Entry
    {
      KernelCalibration.Entry(
        efficiency: KernelEfficiency(
          matrix: m, special: special, memory: b, computeOverheadSeconds: o,
          memoryOverheadSeconds: o * 1.5, stream: special.map { _ in 0.9 }),
        band: nil, trainingCases: 3)
    }
    var entries: [String: KernelCalibration.Entry] = [
      "gemm/cublas": entry(0.78, 0.8, 4e-6),
      "gemm/grouped": entry(0.7, 0.6, 2e-5),
      "flash-attention/flash": entry(0.45, 0.3, 8e-6, special: 0.6),
      "decode-attention/flash": entry(0.7, 0.75, 1e-5),
      "elementwise/eager": entry(0.7, 0.9, 5e-6),
    ]
    for backend in ["copy", "strided", "add", "cat", "read", "rms_norm"] {
      entries["elementwise/\(backend)"] = entry(0.7, 0.7, 1e-6)
      entries["elementwise/\(backend)/eager"] = entry(0.7, 0.7, 7e-6)
    }
    // Host issue for some of the eager phases (the rest issue at the
    // classes' launch cost), so both paths of the host spread run.
    let hostIssue = [
      "hf/attention+mlp/decode": HostIssue(
        passSeconds: 6e-4, layerSeconds: 5e-4, trainingCases: 3),
      "hf/attention+moe/prefill": HostIssue(
        passSeconds: 1e-3, layerSeconds: 2e-3, trainingCases: 3),
      "torch/attention+mlp/prefill": HostIssue(
        passSeconds: 1.3e-4, layerSeconds: 3e-4, trainingCases: 3),
    ]
    return KernelCalibration(
      entries: entries, hostIssue: hostIssue, source: "test")
  }()

  @Test(
    "with a calibration and any engine profile the compiled phase equals predict",
    arguments: EngineProfile.all)
  func equalsPredictCalibrated(engine: EngineProfile) throws {
    let device = KernelCostModelTests.h100
    let pricer = KernelPricer(
      device: device, efficiency: .defaults,
      calibration: Self.calibration, engine: engine)
    for model in [Fixtures.llama3With8B, ParallelismTests.moe] {
      for context in [1, 1000, 32768] {
        func scenario(_ batch: Int) -> GraphScenario {
          var s = GraphScenario(
            batch: batch, promptTokens: context, contextTokens: context,
            weightFormat: .weights(.bf16), cacheFormat: .cache(.bf16),
            sramBytes: 196_608)
          s.engine = engine
          s.computeUnits = 132
          return s
        }
        for phase in [OperatorGraph.Phase.prefill, .decode] {
          func build(_ batch: Int) -> OperatorGraph {
            phase == .prefill
              ? OperatorGraphBuilder.prefill(model, scenario(batch))
              : OperatorGraphBuilder.decode(model, scenario(batch))
          }
          let compiled = try CompiledPhase(
            one: build(1), two: build(2), pricer: pricer)
          for batch in [1, 3, 17, 256] {
            let built = try PhasePrediction.predict(
              build(batch), on: device, efficiency: .defaults,
              calibration: Self.calibration, engine: engine
            ).seconds
            #expect(
              approximately(
                compiled.seconds(batch: batch), built,
                relativeTolerance: 1e-9),
              "\(engine.name) \(model.name) \(phase) at \(context) × \(batch)"
            )
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
      deviceCounts: [1, 2], weightType: .bf16, cacheFormat: .cache(.bf16),
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

import PerfModel
import TestSupport
import Testing

@Suite("Engine profiles, the one pricer and eager launches")
struct EngineProfileTests {
  @Test("an eager stream's closed form equals issuing kernel by kernel")
  func eagerStream() {
    // Hand case: 3 kernels of 1 s issued at 2 s each from (0, 0): the k-th
    // is issued at 2k and runs [2k, 2k + 1]: ends at 7.
    var stream = EagerStream()
    stream.issue(kernels: 3, deviceSeconds: 1, hostSeconds: 2)
    #expect(stream.deviceEnd == 7)
    #expect(stream.hostEnd == 6)
    // Against a kernel-by-kernel replay over mixed groups.
    let groups: [(Int, Double, Double)] = [
      (5, 1e-6, 5e-6), (1, 3e-3, 5e-6), (20, 2e-6, 4e-6), (2, 8e-6, 1e-6),
      (7, 0, 5e-6),
    ]
    var closed = EagerStream()
    var host = 0.0
    var device = 0.0
    for (n, g, h) in groups {
      closed.issue(kernels: n, deviceSeconds: g, hostSeconds: h)
      for _ in 0..<n {
        host += h
        device = max(device, host) + g
      }
    }
    #expect(approximately(closed.deviceEnd, device, relativeTolerance: 1e-12))
  }

  @Test(
    "the minimal profile, uncalibrated, prices every operator as the roofline: max(compute, memory, link) + launch",
    arguments: CompiledPhaseTests.models)
  func minimalEqualsRoofline(model: ModelArchitecture) throws {
    let device = ParallelismTests.device
    for phase in [OperatorGraph.Phase.prefill, .decode] {
      let s = ParallelismTests.scenario(
        batch: 4, prompt: 2048, context: 4096, plan: ParallelPlan())
      let graph =
        phase == .prefill
        ? OperatorGraphBuilder.prefill(model, s)
        : OperatorGraphBuilder.decode(model, s)
      let priced = try PhasePrediction.predict(
        graph, on: device, efficiency: .defaults)
      let e = EfficiencyFactors.defaults
      for (op, time) in zip(graph.operators, priced.times) {
        // The roofline of earlier releases, written out, on the test
        // device's 1 TFLOP/s bf16 peak and 1 TB/s HBM.
        let compute = op.flops > 0 ? op.flops / (1e12 * e.compute) : 0
        let memory = op.bytes / (1e12 * e.memory)
        let link =
          op.collective.map {
            RooflineModel.linkSeconds($0, on: device, efficiency: e)
          } ?? 0
        let roofline = max(compute, memory, link) + e.launchSeconds
        #expect(
          approximately(time.seconds, roofline, relativeTolerance: 1e-12),
          "\(op.name)")
      }
    }
  }

  @Test("a profile's short kernels are counted as the profile lists them")
  func shortKernelCounts() throws {
    // Llama-3-8B, 32 layers, torch profile: per layer 2 norms, 1 QKV,
    // RoPE 5 + 5, cache write 2, attention 1, output layout 1, o_proj 1,
    // add 1, gate+up 1, silu and mul 2, down 1, add 1 = 24; plus the
    // embedding, final norm, LM head and argmax: 32·24 + 4 = 772 (the
    // profiler counted 773 on the reference at batch 1).
    var s = ParallelismTests.scenario(
      batch: 1, prompt: 512, context: 512, plan: ParallelPlan())
    s.engine = .torch
    let graph = OperatorGraphBuilder.prefill(Fixtures.llama3With8B, s)
    let phase = try PhasePrediction.predict(
      graph, on: ParallelismTests.device, efficiency: .defaults,
      engine: .torch)
    #expect(phase.kernelLaunches == 772)
    // RoPE on Q: 5.5 reads + 4.5 writes of T·q·d elements of 2 bytes.
    let rope = try #require(
      graph.operators.first { $0.name.hasSuffix("rope (q)") })
    #expect(rope.bytes == 2 * 512 * 4096 * 10)
    #expect(rope.launches == 5)
  }

  @Test("a mixture-of-experts layer launches the reference's kernels")
  func moeKernelCount() throws {
    // Mixtral's layer, torch profile: the dense part less its MLP (24 − 4
    // = 20), the router, 22 routing kernels (19 on the logits, the
    // gather, two grouped-GEMM setups), two grouped GEMMs, 6 to combine,
    // the residual add: 51; over 8 layers plus the 4 of the head, 412,
    // what torch.profiler counted on the reference
    // (reports/e2e/h200-e2e.csv, Mixtral's 8-layer slice at batch 1).
    var model = ParallelismTests.moe
    model.layerGroups[0].count = 8
    var s = ParallelismTests.scenario(
      batch: 1, prompt: 512, context: 512, plan: ParallelPlan())
    s.engine = .torch
    let phase = try PhasePrediction.predict(
      OperatorGraphBuilder.prefill(model, s), on: ParallelismTests.device,
      efficiency: .defaults, engine: .torch)
    #expect(phase.kernelLaunches == 412)
    // The routed rows' gather moves T·k·h elements each way: 512·2·4096·2
    // bytes read and written.
    let gather = try #require(
      phase.graph.operators.first { $0.name.hasSuffix("gather routed rows") })
    #expect(gather.bytes == 2 * 512 * 2 * 4096 * 2)
    #expect(gather.backend == "strided")
  }

  @Test("transformers' grouped experts launch the kernels of its trace")
  func hfMoEKernelCount() throws {
    // A layer of transformers' grouped_mm_experts_forward, as traced on
    // Mixtral (reports/e2e/h200-e2e-trace.csv): 24 kernels from the
    // routing to the GEMMs (18 on the ids and weights, 3 to gather the
    // rows, the in-place mask, 2 setups), the 2 grouped GEMMs, and 12
    // after them (up output copied and masked, silu and mul, down output
    // copied and masked, the fp32 weighting and the inverse permutation,
    // the gather back, the top-k sum and its cast): 38 a layer.
    var model = ParallelismTests.moe
    model.layerGroups[0].count = 8
    var s = ParallelismTests.scenario(
      batch: 1, prompt: 512, context: 512, plan: ParallelPlan())
    s.engine = .hf
    let graph = OperatorGraphBuilder.prefill(model, s)
    let names =
      (EngineProfile.hf.routingKernels
      + EngineProfile.hf.combineKernels).map(\.name)
    let moe = graph.operators.filter { op in
      op.kind == .experts || names.contains { op.name.hasSuffix($0) }
    }
    #expect(moe.map { $0.launches * $0.count }.reduce(0, +) == 38 * 8)
  }

  @Test("a Mamba-2 layer launches the reference's kernels in a decode step")
  func ssmKernelCount() throws {
    // Per layer: norm, in_proj, 27 kernels of the conv, dt, state update,
    // readout and gate, out_proj, residual add: 31; 48 layers and the 4 of
    // the head: 1492 (torch.profiler counted 1540 on the reference: the
    // 48 more are cuBLAS split-K reductions after out_proj).
    var s = ParallelismTests.scenario(
      batch: 4, prompt: 1, context: 1024, plan: ParallelPlan())
    s.engine = .torch
    let graph = OperatorGraphBuilder.decode(Fixtures.mamba2With780M, s)
    let phase = try PhasePrediction.predict(
      graph, on: ParallelismTests.device, efficiency: .defaults,
      engine: .torch)
    #expect(phase.kernelLaunches == 1492)
    // The state update streams the state 8 times: the increment written
    // (1), decayed (read, written: 2), added to (3), copied back (2); 4
    // sequences × 48 heads × 64 × 128, two bytes each. Each kernel names
    // the class its pattern was timed in.
    let state = ["state increment", "state ·dA", "state + dB·x", "state copy"]
    let update = graph.operators.filter { op in
      state.contains { op.name.contains($0) }
    }
    #expect(update.count == 4)
    let stateBytes = 2.0 * 4 * 48 * 64 * 128
    let streamed = update.map(\.bytes).reduce(0, +)
    #expect(streamed == stateBytes * 8)
    #expect(
      update.map { $0.backend ?? "" } == ["outer", "broadcast", "add", "copy"])
    #expect(!graph.operators.contains { $0.kind == .scan })
  }

  @Test("transformers' fp32 fallback materialises the chunked scan's products")
  func hfSSMPrefill() throws {
    var s = ParallelismTests.scenario(
      batch: 1, prompt: 512, context: 512, plan: ParallelPlan())
    s.engine = .hf
    let graph = OperatorGraphBuilder.prefill(Fixtures.mamba2With780M, s)
    // C·B: (b, c, l, s, h, n) = 1 · 2 · 256 · 256 · 48 · 128 fp32 elements,
    // written once, 4 bytes each, in two kernels (torch splits a kernel
    // past 32-bit indexing: the trace's two kernels take half the time of
    // the product timed alone).
    let products = try #require(
      graph.operators.first { $0.name.hasSuffix("C·B products (fp32, two)") })
    let product = 2.0 * 256 * 256 * 48 * 128 * 4
    #expect(products.bytes == product)
    #expect(products.launches == 2 && products.backend == "outer-cb32")
    // The recurrence across c = 2 chunks: (b, c + 1, c + 1, h, p, n) fp32,
    // written and read: 9 · 48 · 64 · 128 · 4 · 2 bytes.
    let across = try #require(
      graph.operators.first {
        $0.name.hasSuffix("inter-chunk recurrence (fp32)")
      })
    let recurrence = 9.0 * 48 * 64 * 128 * 4 * 2
    #expect(abs(across.bytes - recurrence) < 1e-6)
    // 90 kernels a layer between the projections, as traced.
    let between = graph.operators.filter {
      $0.kind == .elementwise && $0.layer != nil
        && !$0.name.hasSuffix("residual add (fp32), cast")
    }
    #expect(between.map { $0.launches * $0.count }.reduce(0, +) == 90 * 48)
  }

  @Test("the reference's chunk einsums read and write their operands")
  func referenceSSDEinsums() throws {
    var s = ParallelismTests.scenario(
      batch: 1, prompt: 512, context: 512, plan: ParallelPlan())
    s.engine = .torch
    let graph = OperatorGraphBuilder.prefill(Fixtures.mamba2With780M, s)
    let einsums = try #require(
      graph.operators.first { $0.name.hasSuffix("chunk matmuls (einsums)") })
    // Per token and head (state n 128, chunk C 256, head dim p 64): C·Bᵀ
    // reads C, B (2n) and writes C scores; the diagonal block reads them
    // and x (C + p) and writes y (p); the chunk states read B, x (n + p)
    // and write p·n/C; the off-diagonal block reads C and the states
    // (n + p·n/C) and writes y (p): 4n + 2C + 4p + 2pn/C = 1344 bf16.
    let n: Double = 128
    let chunk: Double = 256
    let p: Double = 64
    let elements: Double = 4 * n + 2 * chunk + 4 * p + 2 * p * n / chunk
    #expect(elements == 1344)
    let tokenHeads: Double = 512 * 48
    #expect(einsums.bytes == tokenHeads * elements * 2)
    // FLOPs: 2·C·(n + p) + 4·n·p per token and head.
    let flops: Double = 2 * chunk * (n + p) + 4 * n * p
    #expect(einsums.flops == tokenHeads * flops)
  }

  @Test("eager launches bound a phase of short kernels by the host")
  func eagerHostBound() throws {
    var s = ParallelismTests.scenario(
      batch: 1, prompt: 1, context: 1, plan: ParallelPlan())
    s.engine = .hf
    let graph = OperatorGraphBuilder.decode(Fixtures.llama3With8B, s)
    let device = ParallelismTests.device
    let eager = try PhasePrediction.predict(
      graph, on: device, efficiency: .defaults, engine: .hf)
    var graphed = EngineProfile.hf
    graphed.decodeLaunch = .graph
    let replayed = try PhasePrediction.predict(
      graph, on: device, efficiency: .defaults, engine: graphed)
    // Each kernel costs at least the 4 µs host issue time eagerly.
    #expect(eager.seconds >= Double(eager.kernelLaunches) * 4e-6)
    #expect(eager.seconds >= replayed.seconds)
  }

  @Test("an unknown profile is refused with the valid names")
  func unknownProfile() {
    #expect(throws: PlanError.self) { try EngineProfile.named("tgi") }
    do {
      _ = try EngineProfile.named("tgi")
    } catch {
      #expect(error.message.contains("minimal, torch, hf, vllm"))
    }
  }

  @Test("calibration classes are named whole, eager apart from graph")
  func classNames() {
    #expect(KernelClass(.gemm, backend: "cublas").name == "gemm/cublas")
    #expect(
      KernelClass(.gemm, backend: "cublas", launchMode: .eager).name
        == "gemm/cublas/eager")
    #expect(
      KernelClass(.decodeAttention, threads: 2, launchMode: .graph).name
        == "decode-attention/2t")
    #expect(
      KernelClass(.elementwise, backend: "").name == "elementwise")
  }
}

extension EngineProfile: CustomTestStringConvertible {
  public var testDescription: String { name }
}

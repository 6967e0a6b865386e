import PerfModel
import TestSupport
import Testing

@Suite("Roofline predictions of prefill and decode")
struct RooflinePredictionTests {
  /// An A100-like device: 312 TFLOP/s bf16 dense, 2.039 TB/s HBM, 192 KiB
  /// of SRAM per SM (A100 datasheet and whitepaper).
  static let a100: DeviceSpec = {
    var d = Fixtures.device(capacityBytes: 80 * 1_073_741_824)
    d.compute.matrixFLOPsPerSecond = [.bf16: 312e12]
    d.memoryLevels = [
      MemoryLevel(
        name: "smem", kind: .sram, capacityBytes: 196_608, perUnit: true,
        bandwidthBytesPerSecond: 19.5e12),
      MemoryLevel(
        name: "HBM", kind: .main, capacityBytes: 80 * 1_073_741_824,
        perUnit: false,
        bandwidthBytesPerSecond: 2.039e12),
    ]
    return d
  }()

  /// Yi-34B (01-ai/Yi-34B config.json).
  static let yi34B = Fixtures.llama(
    name: "yi-34b", hidden: 7168, intermediate: 20480, layers: 60, heads: 56,
    kvHeads: 8,
    vocab: 64000, context: 4096)

  static func scenario(
    batch: Int = 1, prompt: Int, context: Int = 1, tp: Int = 1
  )
    -> GraphScenario
  {
    GraphScenario(
      batch: batch, promptTokens: prompt, contextTokens: context,
      plan: ParallelPlan(tensorParallel: tp), weightFormat: .weights(.bf16),
      cacheFormat: .cache(.bf16), sramBytes: 196_608)
  }

  @Test(
    "a 34B dense prefill of 4096 tokens at 312 TFLOP/s takes its FLOPs over the peak"
  )
  func prefill34B() throws {
    let p = try PhasePrediction.predict(
      OperatorGraphBuilder.prefill(Self.yi34B, Self.scenario(prompt: 4096)),
      on: Self.a100, efficiency: .ideal)
    // Matrices per layer: q, o 7168², k, v 7168·1024, MLP 3·7168·20480 =
    // 557,842,432; 60 layers: 2·4096·60·557,842,432 / 312e12 = 0.8788 s (the
    // issue's 2·34e9·4096/312e12 ≈ 0.89 s). Attention: 4·128·(4096·4097/2)
    // ·56·60 / 312e12 = 0.0463 s. The LM head (one row): 2·7168·64000 FLOPs.
    let matrices = 2.0 * 4096 * 60 * 557_842_432
    let attention = 4.0 * 128 * (4096.0 * 4097 / 2) * 56 * 60
    let head = 2.0 * 7168 * 64000
    // Memory-bound: 121 norms of 2·2·4096·7168 bytes, the embedding
    // 4096·7168·(2 + 2) bytes, at 2.039 TB/s.
    let memory = (121 * 4.0 * 4096 * 7168 + 4096.0 * 7168 * 4) / 2.039e12
    let expected = (matrices + attention + head) / 312e12 + memory
    #expect(approximately(p.seconds, expected, relativeTolerance: 1e-3))
    #expect(approximately(matrices / 312e12, 0.8788, relativeTolerance: 1e-3))
  }

  @Test(
    "a batch-1 decode step is bounded below by the weights over HBM bandwidth")
  func decodeLowerBound() throws {
    let s = Self.scenario(prompt: 1, context: 1024)
    let p = try PhasePrediction.predict(
      OperatorGraphBuilder.decode(Fixtures.llama3With8B, s), on: Self.a100,
      efficiency: .ideal)
    // Llama-3-8B: 8,030,261,248 parameters, less the 128256·4096 embedding
    // table of which a step reads one row, · 2 bytes / 2.039e12 = 7.362 ms;
    // the KV cache read adds 1024 · 131072 bytes.
    let weights = (8_030_261_248.0 - 128_256 * 4096) * 2 / 2.039e12
    let cache = 1024.0 * 131_072 / 2.039e12
    #expect(p.seconds >= weights)
    #expect(p.seconds <= 1.01 * (weights + cache))
    let limiters = Set(p.times.map(\.limiter))
    #expect(limiters == [.memoryBandwidth])
  }

  @Test("a single token reads only its k experts' weights")
  func moeTouchesExperts() {
    let expert = MLPSpec(intermediateSize: 14336, gated: true)
    let layer = LayerSpec(
      mixer: .attention(
        AttentionSpec(queryHeads: 32, kvHeads: 8, headDim: 128)),
      feedForward: .moe(
        MixtureOfExpertsSpec(experts: 8, expertsPerToken: 2, expert: expert)),
      normParameters: 8192)
    let mixtral = ModelArchitecture(
      name: "mixtral", modelType: "mixtral", hiddenSize: 4096, vocabSize: 32000,
      maxContextTokens: 32768, tieWordEmbeddings: false,
      finalNormParameters: 4096,
      layerGroups: [LayerGroup(count: 32, layer: layer)], weightDataType: .bf16,
      source: "test")
    let graph = OperatorGraphBuilder.decode(
      mixtral, Self.scenario(prompt: 1, context: 10))
    let experts = graph.operators.first { $0.kind == .experts }
    // 1 token, top-2 of 8: 8·(1 − (6/8)^1) = 2 experts of 3·4096·14336 bf16
    // weights, plus activations 2·(2·4096 + 14336)·2 bytes.
    let weights = 2.0 * 3 * 4096 * 14336 * 2
    #expect(experts?.bytes == weights + 2.0 * 2 * (2 * 4096 + 14336))
    // 1024 tokens touch 8·(1 − 0.75^1024) ≈ all 8 experts.
    let prefill = OperatorGraphBuilder.prefill(
      mixtral, Self.scenario(prompt: 1024))
    let all = prefill.operators.first { $0.kind == .experts }
    #expect(
      approximately(
        (all?.bytes ?? 0) - 1024 * 2 * 2 * (2 * 4096 + 14336), 4 * weights,
        relativeTolerance: 1e-9))
  }

  @Test("a tensor-parallel all-reduce costs the ring's 2(p−1)/p of its payload")
  func allReduce() throws {
    var device = Self.a100
    device.interconnect.scaleUp = LinkSpec(
      name: "NVLink", bandwidthBytesPerSecondPerDirection: 300e9,
      latencySeconds: 0)
    let op = Operator(
      name: "ar", kind: .allReduce, flops: 0, dataType: .bf16, bytes: 0,
      collective: CollectiveDemand(.allReduce, bytes: 8e6, ranks: 8))
    let t = try KernelPricer(
      device: device, efficiency: .ideal, calibration: nil, engine: .minimal
    ).time(op, in: .prefill).time
    // 2·7/8 · 8e6 / 300e9 = 46.67 µs.
    #expect(
      approximately(
        t.seconds, 2.0 * 7 / 8 * 8e6 / 300e9, relativeTolerance: 1e-12))
    #expect(t.limiter == .link)
  }

  @Test(
    "small all-reduces take the tree's log p latency, large ones the ring's bandwidth"
  )
  func ringOrTree() throws {
    var device = Self.a100
    device.interconnect.scaleUp = LinkSpec(
      name: "NVLink", bandwidthBytesPerSecondPerDirection: 300e9,
      latencySeconds: 5e-6)
    func time(_ bytes: Double) throws -> Double {
      let op = Operator(
        name: "ar", kind: .allReduce, flops: 0, dataType: .bf16, bytes: 0,
        collective: CollectiveDemand(.allReduce, bytes: bytes, ranks: 8))
      return try KernelPricer(
        device: device, efficiency: .ideal, calibration: nil, engine: .minimal
      ).time(op, in: .prefill).time.seconds
    }
    // 1 KB: tree 2·3·5 µs + 2·1e3/300e9 beats ring 14·5 µs + 1.75·1e3/300e9.
    #expect(
      approximately(
        try time(1e3), 2 * 3 * 5e-6 + 2 * 1e3 / 300e9, relativeTolerance: 1e-12)
    )
    // 1 GB: ring 14·5 µs + 1.75·1e9/300e9 beats tree 30 µs + 2·1e9/300e9.
    #expect(
      approximately(
        try time(1e9), 14 * 5e-6 + 2.0 * 7 / 8 * 1e9 / 300e9,
        relativeTolerance: 1e-12))
  }

  @Test("a device without the activation type is an error naming it")
  func missingType() {
    let op = Operator(
      name: "x", kind: .projection, flops: 1e9, dataType: .fp8, bytes: 1e6)
    #expect(throws: PlanError.self) {
      try KernelPricer(
        device: Self.a100, efficiency: .ideal, calibration: nil,
        engine: .minimal
      ).time(op, in: .prefill)
    }
  }
}

import PerfModel
import TestSupport
import Testing

@Suite("Pipeline, context and expert parallelism; collectives across nodes")
struct ParallelismTests {
  /// NVLink 450 GB/s a direction and a 400 Gb/s NIC (50 GB/s), both with no
  /// latency so the α-β terms are bandwidth alone.
  static let device: DeviceSpec = {
    var d = Fixtures.device(capacityBytes: 80 * 1_073_741_824)
    d.interconnect = InterconnectSpec(
      scaleUp: LinkSpec(
        name: "NVLink", bandwidthBytesPerSecondPerDirection: 450e9,
        latencySeconds: 0),
      hostLink: LinkSpec(
        name: "PCIe 5.0 x16", bandwidthBytesPerSecondPerDirection: 64e9),
      scaleOut: LinkSpec(
        name: "IB", bandwidthBytesPerSecondPerDirection: 50e9,
        latencySeconds: 0))
    d.hostMemory = HostMemorySpec(
      capacityBytes: 1e12, bandwidthBytesPerSecond: 40e9)
    return d
  }()

  static func scenario(
    batch: Int = 1, prompt: Int, context: Int = 1, plan: ParallelPlan,
    cached: Int = 0, perNode: Int = .max
  ) -> GraphScenario {
    GraphScenario(
      batch: batch, promptTokens: prompt, contextTokens: context, plan: plan,
      weightFormat: .weights(.bf16), cacheFormat: .cache(.bf16),
      sramBytes: 196_608, cachedTokens: cached, devicesPerNode: perNode)
  }

  /// Llama-3-8B's layer with its MLP swapped for 8 experts, top-2, no
  /// shared expert (Mixtral's routing).
  static let moe: ModelArchitecture = {
    var m = Fixtures.llama3With8B
    m.name = "moe-8x"
    m.layerGroups[0].layer.feedForward = .moe(
      MixtureOfExpertsSpec(
        experts: 8, expertsPerToken: 2,
        expert: MLPSpec(intermediateSize: 14336, gated: true)))
    return m
  }()

  static func op(_ graph: OperatorGraph, _ name: String) -> Operator? {
    graph.operators.first { $0.name.contains(name) }
  }

  @Test("a tensor-parallel group wider than a node all-reduces over the NIC")
  func acrossNodes() throws {
    // Decode, batch 1: the all-reduce carries T·h·a = 1·8192·2 bytes.
    let n = 1.0 * 8192 * 2
    for (perNode, bandwidth) in [(8, 50e9), (16, 450e9)] {
      let g = OperatorGraphBuilder.decode(
        Fixtures.llama3With70B,
        Self.scenario(
          prompt: 1, context: 100,
          plan: ParallelPlan(tensorParallel: 16), perNode: perNode))
      let reduce = try #require(Self.op(g, "mixer all-reduce"))
      #expect(reduce.collective?.crossesNodes == (perNode == 8))
      let t = try KernelPricer(
        device: Self.device, efficiency: .ideal, calibration: nil,
        engine: .minimal
      ).time(reduce, in: .prefill).time
      // With α = 0 the ring's 2·15/16·n beats the tree's 2·n.
      #expect(
        approximately(
          t.linkSeconds, 2.0 * 15 / 16 * n / bandwidth,
          relativeTolerance: 1e-12))
    }
  }

  @Test("pipeline hand-offs: pp − 1 sends of T·h·a, split at node boundaries")
  func handOffs() {
    // TP 4 × PP 4 on nodes of 8: stages sit on devices 0–3, 4–7, 8–11,
    // 12–15, so only the boundary at device 8 leaves a node.
    let g = OperatorGraphBuilder.prefill(
      Fixtures.llama3With8B,
      Self.scenario(
        batch: 2, prompt: 100,
        plan: ParallelPlan(tensorParallel: 4, pipelineParallel: 4),
        perNode: 8))
    let sends = g.operators.filter { $0.name.hasPrefix("pipeline hand-off") }
    #expect(sends.map(\.count) == [2, 1])
    #expect(sends.map { $0.collective?.crossesNodes } == [false, true])
    let activations: Double = 2 * 100 * 4096 * 2
    #expect(sends.allSatisfy { $0.collective?.bytes == activations })
    #expect(sends.allSatisfy { $0.collective?.kind == .sendRecv })
  }

  @Test(
    "GPipe: the first micro-batch crosses every stage, the rest follow the slowest"
  )
  func gpipe() throws {
    let model = Fixtures.llama3With8B
    // (m, pp, batch, slowest stage's layers of 32): 3 stages take 11, 11, 10.
    for (m, pp, batch, slowest) in [
      (2, 2, 4, 16), (1, 4, 4, 8), (4, 2, 4, 16), (3, 3, 6, 11),
    ] {
      let plan = ParallelPlan(pipelineParallel: pp, microBatches: m)
      let s = Self.scenario(batch: batch, prompt: 512, context: 512, plan: plan)
      let p = try ServingPrediction.predict(
        model, on: Self.device, s, outputTokens: 64, efficiency: .ideal)
      // One micro-batch of batch/m sequences, through all stages.
      var micro = s
      micro.batch = batch / m
      let pass = try PhasePrediction.predict(
        OperatorGraphBuilder.prefill(model, micro), on: Self.device,
        efficiency: .ideal
      ).seconds
      micro.contextTokens = 512 + 32
      let step = try PhasePrediction.predict(
        OperatorGraphBuilder.decode(model, micro), on: Self.device,
        efficiency: .ideal
      ).seconds
      // The slowest stage's share of a pass is slowest/32.
      let share = Double(slowest) / 32
      let stages = Double(pp)
      let span = 1 + Double(m - 1) * share
      let round = max(Double(m) * share, 1)
      #expect(
        approximately(p.ttftSeconds, span * pass, relativeTolerance: 1e-12))
      #expect(
        approximately(p.tpotSeconds, round * step, relativeTolerance: 1e-12))
      if slowest * pp == 32 {
        // Balanced: (m + pp − 1)/pp passes, max(m, pp)/pp steps, bubbles
        // (pp − 1)/(m + pp − 1) and (pp − m)/pp.
        #expect(
          approximately(
            span, (Double(m) + stages - 1) / stages, relativeTolerance: 1e-12))
        #expect(
          approximately(
            round, Double(max(m, pp)) / stages, relativeTolerance: 1e-12))
        #expect(
          abs(
            p.prefillBubbleFraction - (stages - 1) / (Double(m) + stages - 1))
            < 1e-12)
        #expect(
          abs(p.decodeBubbleFraction - Double(max(0, pp - m)) / stages) < 1e-12)
      }
    }
  }

  @Test(
    "after a cached prefix, row i of the pass sees P + i keys, window-capped")
  func prefixPairs() throws {
    // Llama-3-8B, 4 new tokens after 3 cached: 4 + 5 + 6 + 7 = 22 pairs;
    // FLOPs 4·d·pairs·heads = 4·128·22·32.
    let plan = ParallelPlan()
    let g = OperatorGraphBuilder.prefill(
      Fixtures.llama3With8B, Self.scenario(prompt: 4, plan: plan, cached: 3))
    let flops: Double = 4 * 128 * 22 * 32
    #expect(try #require(Self.op(g, "attention")).flops == flops)
    // Mistral's 4096 window, 4 tokens after 4094: 4095 + 3·4096 = 16383.
    let w = OperatorGraphBuilder.prefill(
      Fixtures.mistral7B, Self.scenario(prompt: 4, plan: plan, cached: 4094))
    let capped: Double = 4 * 128 * 16383 * 32
    #expect(try #require(Self.op(w, "attention")).flops == capped)
  }

  @Test("chunks of a prompt partition its causal triangle and its tokens")
  func chunks() throws {
    let model = Fixtures.llama3With8B
    let s = Self.scenario(prompt: 1000, context: 1000, plan: ParallelPlan())
    let p = try ServingPrediction.predict(
      model, on: Self.device, s, outputTokens: 2, efficiency: .ideal,
      prefill: PrefillOptions(chunkTokens: 300))
    let passes = [p.prefill] + p.laterChunks
    #expect(passes.map(\.graph.tokens) == [300, 300, 300, 100])
    func total(_ name: String) throws -> Double {
      try passes.reduce(0) {
        $0 + (try #require(Self.op($1.graph, name))).flops
      }
    }
    // 1000·1001/2 pairs, and 2·1000·4096·6144 for the QKV projection.
    let pairs: Double = 1000 * 1001 / 2
    let expected: Double = 4 * 128 * pairs * 32
    #expect(try total("attention") == expected)
    let qkv: Double = 2 * 1000 * 4096 * 6144
    #expect(try total("qkv_proj") == qkv)
  }

  @Test("ring attention: 1/cp of the pairs, cp − 1 passes of the K/V block")
  func ring() throws {
    let plan = ParallelPlan(contextParallel: 4)
    let g = OperatorGraphBuilder.prefill(
      Fixtures.llama3With8B, Self.scenario(batch: 2, prompt: 1024, plan: plan))
    let attention = try #require(Self.op(g, "attention"))
    let pairs: Double = 1024 * 1025 / 2
    let expected: Double = 4 * 128 * pairs * 2 * 32 / 4
    #expect(attention.flops == expected)
    // Each rank's block: 2·1024/4 keys of K and V, 8 heads of 128, bf16.
    let c = try #require(attention.collective)
    #expect(c.kind == .sendRecv && c.repeats == 3)
    let block: Double = 2 * 1024 / 4 * 2 * 2 * 8 * 128
    #expect(c.bytes == block)
    #expect(g.tokens == 2 * 256)
    #expect(!g.operators.contains { $0.name.contains("Ulysses") })
  }

  @Test("Ulysses: all-to-alls of Q, K, V before and O after, on cp ranks")
  func ulysses() throws {
    let plan = ParallelPlan(contextParallel: 4, contextStrategy: .ulysses)
    let g = OperatorGraphBuilder.prefill(
      Fixtures.llama3With8B, Self.scenario(batch: 2, prompt: 1024, plan: plan))
    // This rank's 512 tokens: Q (32 heads) + K, V (8 each) of 128, bf16.
    let before = try #require(Self.op(g, "all-to-all (Q, K, V)"))
    let after = try #require(Self.op(g, "all-to-all (O)"))
    let qkv: Double = 2 * 512 * (32 + 16) * 128
    let o: Double = 2 * 512 * 32 * 128
    #expect(before.collective?.bytes == qkv)
    #expect(after.collective?.bytes == o)
    #expect(
      before.collective?.ranks == 4 && before.collective?.kind == .allToAll)
    let attention = try #require(Self.op(g, "attention"))
    #expect(attention.collective == nil)
    let pairs: Double = 1024 * 1025 / 2
    let expected: Double = 4 * 128 * pairs * 2 * 32 / 4
    #expect(attention.flops == expected)
  }

  @Test("context parallelism splits each request's cache cp ways")
  func contextCache() throws {
    func perRequest(_ cp: Int) throws -> Double {
      try MemoryModel.estimate(
        Fixtures.llama3With8B, on: Self.device,
        MemoryScenario(
          contextTokens: 8192, batch: 1, weightFormat: .weights(.bf16),
          cacheFormat: .cache(.bf16), plan: ParallelPlan(contextParallel: cp))
      ).stages[0].cacheBytesPerRequest
    }
    // 32 layers · 2 · 8 heads · 128 · 2 bytes = 128 KiB a token.
    let whole: Double = 8192 * 131_072
    #expect(try perRequest(1) == whole)
    #expect(try perRequest(4) == whole / 4)
  }

  @Test("expert parallelism: whole experts per rank, two all-to-alls, a gather")
  func expertParallel() throws {
    func graph(ep: Int) -> OperatorGraph {
      OperatorGraphBuilder.prefill(
        Self.moe,
        Self.scenario(
          batch: 1, prompt: 64,
          plan: ParallelPlan(tensorParallel: 8, expertParallel: ep)))
    }
    let sliced = graph(ep: 1)
    let whole = graph(ep: 8)
    // The same FLOPs per rank either way: 2·64·2·(3·4096·14336)/8.
    let flops: Double = 2 * 64 * 2 * 3 * 4096 * 14336 / 8
    #expect(try #require(Self.op(sliced, "experts (")).flops == flops)
    #expect(try #require(Self.op(whole, "experts (")).flops == flops)
    // Dispatch: this rank's 64/8 tokens, 2 copies each, 4096 wide, bf16.
    let dispatch = try #require(Self.op(whole, "expert dispatch"))
    let copies: Double = 2 * 8 * 2 * 4096
    #expect(dispatch.collective?.bytes == copies)
    #expect(Self.op(whole, "expert combine") != nil)
    #expect(
      Self.op(whole, "experts all-gather")?.collective?.kind == .allGather)
    #expect(Self.op(whole, "experts all-reduce") == nil)
    #expect(Self.op(sliced, "experts all-reduce") != nil)
  }

  @Test("plans the model cannot take are errors naming the degree")
  func planErrors() {
    func input(_ model: ModelArchitecture, _ plan: ParallelPlan)
      -> PlanError.Input?
    {
      do {
        try model.checkPlan(plan)
        return nil
      } catch { return error.input }
    }
    #expect(
      input(Fixtures.mamba2Point8B, ParallelPlan(contextParallel: 2))
        == .contextParallel)
    // 32 query heads do not split 3 ways.
    #expect(
      input(
        Fixtures.llama3With8B,
        ParallelPlan(contextParallel: 3, contextStrategy: .ulysses))
        == .contextParallel)
    #expect(
      input(Fixtures.llama3With8B, ParallelPlan(contextParallel: 3)) == nil)
    #expect(
      input(Self.moe, ParallelPlan(tensorParallel: 8, expertParallel: 4))
        == .expertParallel)
    #expect(
      input(
        Fixtures.llama3With8B,
        ParallelPlan(tensorParallel: 8, expertParallel: 8)) == .expertParallel)
    let s = Self.scenario(
      batch: 4, prompt: 100, plan: ParallelPlan(microBatches: 8))
    #expect(throws: PlanError.self) {
      try ServingPrediction.predict(
        Fixtures.llama3With8B, on: Self.device, s, outputTokens: 1,
        efficiency: .ideal)
    }
    #expect(throws: PlanError.self) {
      try ServingPrediction.predict(
        Fixtures.llama3With8B, on: Self.device,
        Self.scenario(prompt: 100, plan: ParallelPlan()), outputTokens: 1,
        efficiency: .ideal, prefill: PrefillOptions(cachedPrefixTokens: 100))
    }
  }

  @Test("a swap moves the cache at the slower of the host link and host memory")
  func offload() {
    let e = EfficiencyFactors(
      compute: 1, memory: 1, link: 0.7, launchSeconds: 0, linkLatencySeconds: 0)
    // PCIe 64 GB/s · 0.7 = 44.8 GB/s against 40 GB/s of host memory.
    let gib = 1_073_741_824.0
    #expect(
      OffloadModel.transferSeconds(bytes: gib, on: Self.device, efficiency: e)
        == gib / 40e9)
    // Four devices sharing the host memory get 10 GB/s each.
    #expect(
      OffloadModel.transferSeconds(
        bytes: gib, on: Self.device, efficiency: e, sharers: 4) == gib / 10e9)
    let s = OffloadModel.contextSwitch(
      bytesPerDevice: gib, recomputeSeconds: 0.01, on: Self.device,
      efficiency: e)
    #expect(s.swapSeconds == 2 * gib / 40e9)
    #expect(s.recomputeIsCheaper)
    // A device with no host link shares its host's memory: nothing moves.
    #expect(
      OffloadModel.transferSeconds(
        bytes: gib, on: Fixtures.h100, efficiency: e) == 0)
  }

  @Test("a prefix on the host comes back over its link before the prefill")
  func prefixFromHost() throws {
    let model = Fixtures.llama3With8B
    let s = Self.scenario(batch: 2, prompt: 1000, context: 1000, plan: .init())
    let p = try ServingPrediction.predict(
      model, on: Self.device, s, outputTokens: 2, efficiency: .ideal,
      prefill: PrefillOptions(cachedPrefixTokens: 600, prefixLocation: .host))
    // 2 requests · 600 tokens · 128 KiB at min(64 GB/s, 40 GB/s).
    #expect(
      approximately(
        p.prefixLoadSeconds, 2 * 600 * 131_072 / 40e9,
        relativeTolerance: 1e-12))
    #expect(p.prefill.graph.tokens == 2 * 400)
  }
}

import PerfModel
import Testing

@Suite("What fits in memory")
struct MemoryModelTests {
  static func scenario(
    context: Int, batch: Int = 1, tp: Int = 1, pp: Int = 1, dp: Int = 1,
    force: Bool = false
  ) -> MemoryScenario {
    MemoryScenario(
      contextTokens: context, batch: batch, weightFormat: .weights(.bf16),
      cacheFormat: .cache(.bf16),
      plan: ParallelPlan(
        tensorParallel: tp, pipelineParallel: pp, dataParallel: dp),
      allowBeyondModelContext: force)
  }

  // Llama-3-8B on 80 GiB, derived by hand:
  //   reserve   = 0.10 · 85,899,345,920            =  8,589,934,592
  //   weights   = 8,030,261,248 · 2                = 16,060,522,496
  //   workspace = 8192 · (2·4096 + 3·14336) · 2     =    838,860,800
  //             + 256 · 128256 · 4 (fp32 logits)    =    131,334,144
  //   room      = 85,899,345,920 − the above        = 60,278,693,888
  //   request   = 8192 · 131072                     =  1,073,741,824
  static let room = 60_278_693_888.0

  @Test("max concurrency is the room left over one request's cache")
  func maxConcurrency() throws {
    let e = try MemoryModel.estimate(
      Fixtures.llama3With8B, on: Fixtures.h100, Self.scenario(context: 8192))
    let s = e.stages[0]
    #expect(s.weightBytes == 16_060_522_496)
    #expect(s.workspaceBytes == 838_860_800 + 131_334_144)
    #expect(
      s.capacityBytes - s.reserveBytes - s.weightBytes - s.workspaceBytes
        == Self.room)
    // ⌊60,278,693,888 / 1,073,741,824⌋ = ⌊56.14⌋
    #expect(e.maxConcurrentRequests == 56)
    #expect(e.fits)
  }

  @Test("max context at a batch is capped by the model unless forced")
  func maxContext() throws {
    let capped = try MemoryModel.estimate(
      Fixtures.llama3With8B, on: Fixtures.h100,
      Self.scenario(context: 1024, batch: 4))
    #expect(capped.maxContextTokens == 8192)
    #expect(capped.maxContextLimit == .model)
    // ⌊60,278,693,888 / 4 / 131072⌋ = ⌊114,972.97⌋ = 114,972.
    let forced = try MemoryModel.estimate(
      Fixtures.llama3With8B, on: Fixtures.h100,
      Self.scenario(context: 1024, batch: 4, force: true))
    #expect(forced.maxContextTokens == 114_972)
    #expect(forced.maxContextLimit == .memory)
  }

  @Test("an SSM's cache does not bound context")
  func ssmUnbounded() throws {
    let e = try MemoryModel.estimate(
      Fixtures.mamba2Point8B, on: Fixtures.h100,
      Self.scenario(context: 1_000_000, force: true))
    #expect(e.maxContextLimit == .unbounded)
    #expect(e.cacheBytesPerRequest == 13_107_200)
  }

  @Test("a batch that does not fit leaves negative free memory")
  func doesNotFit() throws {
    let e = try MemoryModel.estimate(
      Fixtures.llama3With8B, on: Fixtures.h100,
      Self.scenario(context: 8192, batch: 57))
    #expect(!e.fits)
    #expect(e.stages[0].freeBytes == Self.room - 57 * 1_073_741_824)
  }

  @Test("data-parallel replicas multiply concurrency and share the batch")
  func dataParallel() throws {
    let e = try MemoryModel.estimate(
      Fixtures.llama3With8B, on: Fixtures.h100,
      Self.scenario(context: 8192, batch: 8, dp: 4))
    #expect(e.maxConcurrentRequests == 4 * 56)
    #expect(e.stages[0].batchCacheBytes == 2 * 1_073_741_824)  // ⌈8/4⌉ requests
  }

  @Test("pipeline stages split layers evenly, earlier stages taking the extra")
  func pipelineStages() throws {
    let e = try MemoryModel.estimate(
      Fixtures.llama3With8B, on: Fixtures.h100,
      Self.scenario(context: 8192, pp: 3)
    )
    #expect(e.stages.map { $0.endLayer - $0.firstLayer } == [11, 11, 10])
    // Stage 0 holds the embedding, stage 2 the final norm and LM head.
    let layer = 218_112_000.0
    let embedding = 128_256.0 * 4096
    #expect(e.stages[0].weightBytes == 2 * (11 * layer + embedding))
    #expect(e.stages[1].weightBytes == 2 * (11 * layer))
    #expect(e.stages[2].weightBytes == 2 * (10 * layer + embedding + 4096))
  }

  @Test(
    "splits the model cannot take are errors naming the input",
    arguments: [
      // 3 divides neither 32 heads nor 8 KV heads
      (3, 1, PlanError.Input.tensorParallel),
      // 64 does not divide 32 query heads
      (64, 1, .tensorParallel),
      (1, 33, .pipelineParallel),  // more stages than 32 layers
    ])
  func badSplits(tp: Int, pp: Int, input: PlanError.Input) {
    #expect {
      try MemoryModel.estimate(
        Fixtures.llama3With8B, on: Fixtures.h100,
        Self.scenario(context: 8192, tp: tp, pp: pp))
    } throws: { error in
      (error as? PlanError)?.input == input
    }
  }

  @Test("a context beyond the model's limit is refused unless forced")
  func contextLimit() throws {
    #expect(throws: PlanError.self) {
      try MemoryModel.estimate(
        Fixtures.llama3With8B, on: Fixtures.h100, Self.scenario(context: 8193))
    }
    _ = try MemoryModel.estimate(
      Fixtures.llama3With8B, on: Fixtures.h100,
      Self.scenario(context: 8193, force: true))
  }
}

import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

@Suite("Speculative decoding")
struct SpeculativeDecodingTests {
  @Test(
    "tokens a step: (1 − α^(γ+1))/(1 − α), γ + 1 when every draft is accepted, 1 when none is"
  )
  func expectedTokens() {
    #expect(
      SpeculativeDecoding.expectedTokens(draftTokens: 4, acceptance: 0) == 1)
    #expect(
      SpeculativeDecoding.expectedTokens(draftTokens: 4, acceptance: 1) == 5)
    // (1 − 0.5^4) / 0.5 = 1.875
    #expect(
      approximately(
        SpeculativeDecoding.expectedTokens(draftTokens: 3, acceptance: 0.5),
        1.875, relativeTolerance: 1e-12))
  }

  @Test(
    "a step is γ of the draft's decode steps (predict's, 1e-9) and a verification whose LM head covers all γ + 1 positions"
  )
  func step() throws {
    let s = try ServingSimulatorTests.setup()
    let draft = try Catalog(root: Repository.root).model(
      Repository.root + "/reports/e2e/configs/llama-3.2-1b.json")
    var g = s.scenario
    g.batch = 8
    g.contextTokens = 2048
    let step = try SpeculativeDecoding.step(
      target: s.model, draft: draft, on: s.device, g, draftTokens: 4,
      acceptance: 0.7, efficiency: .defaults,
      calibration: s.device.calibration)
    let alone = try PhasePrediction.predict(
      OperatorGraphBuilder.decode(draft, g), on: s.device,
      efficiency: .defaults, calibration: s.device.calibration,
      engine: g.engine
    ).seconds
    #expect(
      approximately(step.draftSeconds, 4 * alone, relativeTolerance: 1e-9))
    let verify = SpeculativeDecoding.verificationGraph(
      s.model, g, draftTokens: 4)
    let head = try #require(verify.operators.first { $0.kind == .lmHead })
    // 2 · rows · hidden · vocabulary with a row per verified position.
    #expect(head.flops == 2 * Double(8 * 5) * 4096 * 128_256)
    let plain = try s.pricer.exactDecodeSeconds(sequences: 8, context: 2048)
    #expect(step.verifySeconds > plain)
    #expect(
      approximately(
        step.tpotSeconds,
        (step.draftSeconds + step.verifySeconds)
          / SpeculativeDecoding.expectedTokens(draftTokens: 4, acceptance: 0.7),
        relativeTolerance: 1e-12))
  }

  @Test(
    "Medusa heads: 3 heads of a residual block and an LM head each, 2 · rows · (h² + h · vocab) FLOPs a head, priced as one decode-phase pass"
  )
  func medusa() throws {
    let s = try ServingSimulatorTests.setup()
    var g = s.scenario
    g.batch = 4
    g.contextTokens = 2048
    let graph = SpeculativeDecoding.medusaGraph(s.model, g, heads: 3)
    let flops = graph.operators.reduce(0.0) { $0 + Double($1.count) * $1.flops }
    // 3 · 2 · 4 · (4096² + 4096 · 128256)
    let expected: Double = 3 * 2 * 4 * (4096 * 4096 + 4096 * 128_256)
    #expect(flops == expected)
    let step = try SpeculativeDecoding.medusaStep(
      target: s.model, on: s.device, g, heads: 3, acceptance: 0.6,
      efficiency: .defaults, calibration: s.device.calibration)
    let alone = try PhasePrediction.predict(
      graph, on: s.device, efficiency: .defaults,
      calibration: s.device.calibration, engine: g.engine
    ).seconds
    #expect(approximately(step.draftSeconds, alone, relativeTolerance: 1e-12))
  }

  @Test(
    "predict refuses an acceptance outside [0, 1], a draft without one, and a draft of another vocabulary",
    arguments: [
      (["--draft-model", "llama-3-8b", "--acceptance", "1.5"], "[0, 1]"),
      (["--draft-model", "llama-3-8b"], "need --acceptance"),
      (["--acceptance", "0.5"], "--draft-heads or --draft-eagle too"),
      (
        [
          "--draft-heads", "--draft-model", "llama-3-8b", "--acceptance", "0.5",
        ],
        "not both"
      ),
      (
        ["--draft-model", "mistral-7b-v0.1", "--acceptance", "0.5"],
        "differs from llama-3-8b's"
      ),
    ])
  func badInput(flags: [String], message: String) throws {
    let r = try CommandRunner.run(["predict", "--model", "llama-3-8b"] + flags)
    #expect(r.status != 0)
    #expect(r.error.contains(message), "\(r.error)")
  }
}

@Suite("Speculative verification as FlashAttention-2 varlen runs it")
struct VerificationAttentionTests {
  @Test(
    "each (sequence, query head) computes a whole 128-row tile and re-reads its KV head's cache: Llama-3-8B, 8 sequences, γ 4 after 2048 cached"
  )
  func unpackedGroups() throws {
    let s = try ServingSimulatorTests.setup()
    var g = s.scenario
    g.batch = 8
    g.contextTokens = 2048
    let verify = SpeculativeDecoding.verificationGraph(
      s.model, g, draftTokens: 4)
    var plain = g
    plain.promptTokens = 5
    plain.cachedTokens = 2048
    plain.contextTokens = 2053
    let base = OperatorGraphBuilder.prefill(s.model, plain)
    let op = try #require(verify.operators.first { $0.kind == .attention })
    let before = try #require(base.operators.first { $0.kind == .attention })
    // 4 · d · heads · batch · 128 rows · keys, keys = 2048 + 5.
    #expect(op.flops == 4 * 128 * 32 * 8 * 128 * 2053)
    // Three more reads of each KV head's cache (32 / 8 heads a group):
    // 3 · 8 sequences · 2053 keys · K and V · 8 heads · 128 · 2 bytes.
    let extra = 3.0 * 8 * 2053 * 2 * 8 * 128 * 2
    #expect(
      approximately(op.bytes - before.bytes, extra, relativeTolerance: 1e-12))
    #expect(
      approximately(
        op.reuseBytes - before.reuseBytes, extra, relativeTolerance: 1e-12))
    // 8 sequences × 4 heads a group = 32 tiles fit the 2 × 132 blocks
    // resident at once: a group's heads run together, re-reading within
    // the K/V tiles in flight, (264 / 4) · K and V · 64 keys · 128 · 2 B.
    let inFlight: Double = 264.0 / 4 * 2 * 64 * 128 * 2
    #expect(op.reuseWorkingSetBytes == inFlight)
  }

  @Test(
    "one sequence's verification launches 32 blocks (one a query head): its matrix time is the whole device's × 132 / 32"
  )
  func idleUnits() throws {
    let s = try ServingSimulatorTests.setup()
    var g = s.scenario
    g.batch = 1
    g.contextTokens = 4096
    let verify = SpeculativeDecoding.verificationGraph(
      s.model, g, draftTokens: 4)
    let op = try #require(verify.operators.first { $0.kind == .attention })
    #expect(op.threadBlocks == 32)
    let work = KernelWork(flops: op.flops, bytes: op.bytes)
    let full = try KernelCostModel.estimate(
      work, dataType: .bf16, on: s.device, efficiency: .uncalibrated)
    let idle = try KernelCostModel.estimate(
      work, dataType: .bf16, unitShare: 32.0 / 132, on: s.device,
      efficiency: .uncalibrated)
    #expect(
      approximately(
        idle.idealMatrixSeconds, full.idealMatrixSeconds * 132 / 32,
        relativeTolerance: 1e-12))
    #expect(idle.idealMemorySeconds == full.idealMemorySeconds)
  }

  @Test(
    "past the resident blocks a group's re-read comes after one head's caches over the batch: 128 sequences, γ 4 after 2048 cached"
  )
  func groupsApart() throws {
    let s = try ServingSimulatorTests.setup()
    var g = s.scenario
    g.batch = 128
    g.contextTokens = 2048
    let verify = SpeculativeDecoding.verificationGraph(
      s.model, g, draftTokens: 4)
    let op = try #require(verify.operators.first { $0.kind == .attention })
    // 128 × 4 = 512 tiles > 264: 128 sequences · 2053 keys · K and V ·
    // 128 · 2 bytes.
    let oneHead: Double = 128.0 * 2053 * 2 * 128 * 2
    #expect(op.reuseWorkingSetBytes == oneHead)
  }
}

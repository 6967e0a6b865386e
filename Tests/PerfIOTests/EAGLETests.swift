import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// EAGLE drafts: one decoder layer of the target's on its features.
@Suite("Speculative decoding with an EAGLE draft")
struct EAGLETests {
  @Test(
    "a draft step is the fc (2 · batch · 2h · h FLOPs), one layer of the target's and its LM head: Llama-3-8B, 4 sequences at 1024"
  )
  func draftGraph() throws {
    let s = try ServingSimulatorTests.setup()
    var g = s.scenario
    g.batch = 4
    g.contextTokens = 1024
    let draft = try #require(SpeculativeDecoding.eagleGraph(s.model, g))
    let fc = try #require(
      draft.operators.first { $0.name.hasPrefix("EAGLE fc") })
    let fcFLOPs: Double = 2 * 4 * 2 * 4096 * 4096
    #expect(fc.flops == fcFLOPs)
    // One layer: every layer operator once, as in the target's graph.
    let target = OperatorGraphBuilder.decode(s.model, g)
    let layerOps = draft.operators.filter { $0.layer != nil }
    #expect(layerOps.allSatisfy { $0.count == 1 })
    // One instance of each: the same FLOPs and bytes as the target's.
    let targetOps = target.operators.filter { $0.layer != nil }
    #expect(layerOps.map(\.flops) == targetOps.map(\.flops))
    #expect(layerOps.map(\.bytes) == targetOps.map(\.bytes))
    #expect(targetOps.allSatisfy { $0.count == 32 })
    // The target's LM head, unchanged.
    let head = draft.operators.first { $0.kind == .lmHead }
    #expect(head == target.operators.first { $0.kind == .lmHead })
  }

  @Test(
    "a step is γ draft steps priced as their graph (1e-12) and the target's verification of γ + 1 tokens"
  )
  func step() throws {
    let s = try ServingSimulatorTests.setup()
    var g = s.scenario
    g.batch = 8
    g.contextTokens = 2048
    let draft = try #require(SpeculativeDecoding.eagleGraph(s.model, g))
    let step = try SpeculativeDecoding.eagleStep(
      target: s.model, on: s.device, g, draft: draft, draftTokens: 5,
      acceptance: 0.7, efficiency: .defaults,
      calibration: s.device.calibration)
    let one = try PhasePrediction.predict(
      draft, on: s.device, efficiency: .defaults,
      calibration: s.device.calibration, engine: g.engine)
    #expect(
      approximately(
        step.draftSeconds, 5 * one.seconds, relativeTolerance: 1e-12))
    let verify = try PhasePrediction.predict(
      SpeculativeDecoding.verificationGraph(s.model, g, draftTokens: 5),
      on: s.device, efficiency: .defaults,
      calibration: s.device.calibration, engine: g.engine)
    #expect(step.verifySeconds == verify.seconds)
    #expect(
      step.tokensPerStep
        == SpeculativeDecoding.expectedTokens(draftTokens: 5, acceptance: 0.7))
  }

  @Test(
    "predict --draft-eagle prints the EAGLE step; refuses a mixture-of-experts target and a second draft",
    arguments: [
      (["--draft-eagle", "--acceptance", "0.8"], 0, "draft EAGLE layer"),
      (
        ["--draft-eagle", "--draft-heads", "--acceptance", "0.8"], 1,
        "give one of --draft-model, --draft-heads or --draft-eagle"
      ),
      (["--draft-eagle"], 1, "need --acceptance"),
      (
        ["--model", "mixtral-8x7b", "--draft-eagle", "--acceptance", "0.8"], 1,
        "--draft-eagle: an EAGLE draft is one dense decoder layer"
      ),
    ])
  func command(flags: [String], status: Int32, message: String) throws {
    let model = flags.contains("--model") ? [] : ["--model", "llama-3-8b"]
    let r = try CommandRunner.run(
      [
        "predict", "--hardware", "h200-calibrated", "--prompt-tokens", "1000",
        "--output-tokens", "200",
      ] + model + flags)
    #expect(status == 0 ? r.status == 0 : r.status != 0)
    #expect((r.output + r.error).contains(message), "\(r.output)\(r.error)")
  }
}

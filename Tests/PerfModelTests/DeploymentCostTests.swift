import PerfModel
import TestSupport
import Testing

@Suite("Deployment cost")
struct DeploymentCostTests {
  @Test("cost per million tokens follows from $/h and the predicted rates")
  func costs() throws {
    let s = RooflinePredictionTests.scenario(
      batch: 8, prompt: 1000, context: 1000)
    let p = try ServingPrediction.predict(
      Fixtures.llama3With8B, on: RooflinePredictionTests.a100, s,
      outputTokens: 200,
      efficiency: .ideal)
    let c = DeploymentCost(
      p, promptTokens: 1000, devices: 2, usdPerDeviceHour: 1.8)
    // $3.60/h = $0.001/s.
    #expect(approximately(c.usdPerHour, 3.6, relativeTolerance: 1e-12))
    #expect(
      approximately(
        c.usdPerMillionOutputTokens, 0.001 / p.outputTokensPerSecond * 1e6,
        relativeTolerance: 1e-12))
    // One replica, 8 prompts of 1000 tokens per TTFT.
    #expect(
      approximately(
        c.usdPerMillionInputTokens, 0.001 * p.ttftSeconds / 8000 * 1e6,
        relativeTolerance: 1e-12))
  }
}

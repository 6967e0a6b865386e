import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// The attention tail over unequal cache lengths: its interpolation, its
/// reading from kernel timings, and its place in a pass's price.
@Suite("Unequal cache lengths in one decode pass")
struct UnequalLengthTailTests {
  @Test("τ(D) interpolates linearly from 0 at one sequence, flat past the last")
  func interpolation() {
    let tail = UnequalLengthTail(points: [
      .init(batch: 64, secondsPerToken: 3e-8),
      .init(batch: 16, secondsPerToken: 1e-8),
      .init(batch: 32, secondsPerToken: 4e-8),
    ])
    #expect(tail.secondsPerToken(batch: 1) == 0)
    // (8 − 1)/(16 − 1) of the way from 0 to 1e-8.
    #expect(
      approximately(
        tail.secondsPerToken(batch: 8), 7.0 / 15 * 1e-8,
        relativeTolerance: 1e-12))
    // Halfway from 4e-8 (32) to 3e-8 (64).
    #expect(
      approximately(
        tail.secondsPerToken(batch: 48), 3.5e-8, relativeTolerance: 1e-12))
    #expect(tail.secondsPerToken(batch: 128) == 3e-8)
  }

  @Test(
    "read from kernel timings: the unequal row's extra time over its mean's, per token the longest exceeds the mean"
  )
  func fromCSV() throws {
    let text = """
      kind,batch,context_tokens,longest_context_tokens,median_seconds
      varlen,64,400,400,0.0001
      pass,64,400,400,0.008
      varlen-unequal,64,400.5,1900,0.00015
      """
    let tail = try UnequalLengthCSV.parse(text, path: "k.csv")
    // (0.00015 − 0.0001) / (1900 − 400.5)
    #expect(
      approximately(
        tail.secondsPerToken(batch: 64), 0.00005 / 1499.5,
        relativeTolerance: 1e-12))
    #expect(throws: MeasuredCSVError.self) {
      try UnequalLengthCSV.parse(
        "kind,batch,context_tokens,median_seconds\nvarlen,1,2,0.1\n",
        path: "k.csv")
    }
  }

  @Test(
    "a pass adds τ · (longest − mean) per attention instance: Llama-3-8B's 32 layers"
  )
  func passTail() throws {
    let s = try ServingSimulatorTests.setup()
    s.pricer.unequalLengthTail = UnequalLengthTail(points: [
      .init(batch: 64, secondsPerToken: 3e-8)
    ])
    defer { s.pricer.unequalLengthTail = nil }
    let tail = try s.pricer.tailSeconds(
      sequences: 64, contextTokens: 64 * 400, longest: 1400)
    #expect(approximately(tail, 32 * 3e-8 * 1000, relativeTolerance: 1e-12))
    let equal = try s.pricer.seconds(
      ServingIteration(
        chunks: [], decodeSequences: 64, decodeContextTokens: 64 * 400,
        decodeLongestContext: 400))
    let unequal = try s.pricer.seconds(
      ServingIteration(
        chunks: [], decodeSequences: 64, decodeContextTokens: 64 * 400,
        decodeLongestContext: 1400))
    #expect(
      approximately(unequal - equal, tail, relativeTolerance: 1e-9))
  }
}

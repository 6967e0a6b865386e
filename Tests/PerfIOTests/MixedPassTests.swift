import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// A continuous-batching pass that prefills: one FlashAttention-2 varlen
/// call over its chunks and decodes, and the host's measured speed.
@Suite("Passes that prefill")
struct MixedPassTests {
  @Test(
    "a chunk of 32 and 64 decodes at 1024: each (sequence, query head) computes a whole 128-row tile over its keys"
  )
  func wholeTiles() throws {
    let s = try ServingSimulatorTests.setup()
    let graph = try s.pricer.mixedGraph(
      ServingIteration(
        chunks: [.init(tokens: 32, cachedTokens: 0, samples: true)],
        decodeSequences: 64, decodeContextTokens: 64 * 1024))
    let attention = graph.operators.filter { $0.kind == .attention }
    // The chunk's and the decodes', each for the 32 layers.
    #expect(attention.count == 2)
    #expect(attention.allSatisfy { $0.count == 32 })
    // 4 · d · heads · sequences · 128 rows · keys.
    let chunkFLOPs: Double = 4 * 128 * 32 * 1 * 128 * 32
    let decodeFLOPs: Double = 4 * 128 * 32 * 64 * 128 * 1024
    #expect(attention[0].flops == chunkFLOPs)
    #expect(attention[1].flops == decodeFLOPs)
    // Three more reads of each KV head's cache (4 heads a group):
    // 3 · 64 · 1024 keys · K and V · 8 heads · 128 · 2 bytes, re-read
    // within the tiles in flight (64 × 4 = 256 tiles ≤ 2 × 132).
    let reReads: Double = 3 * 64 * 1024 * 2 * 8 * 128 * 2
    #expect(attention[1].reuseBytes >= reReads)
    let inFlight: Double = 264.0 / 4 * 2 * 64 * 128 * 2
    #expect(attention[1].reuseWorkingSetBytes == inFlight)
    // One launch: (1 chunk + 64 decodes) × 32 query heads × one row tile.
    #expect(attention.allSatisfy { $0.threadBlocks == (1 + 64) * 32 })
  }

  @Test(
    "a chunk alone launches its own blocks: 32 heads × 1 row tile leave 100 of 132 units idle"
  )
  func chunkAlone() throws {
    let s = try ServingSimulatorTests.setup()
    let graph = try s.pricer.mixedGraph(
      ServingIteration(
        chunks: [.init(tokens: 32, cachedTokens: 4000, samples: true)],
        decodeSequences: 0, decodeContextTokens: 0))
    let attention = try #require(
      graph.operators.first { $0.kind == .attention })
    #expect(attention.threadBlocks == 32)
  }

  @Test(
    "a host probe scales an eager pass's host issue: the pass equals predict's with that scale, and a host-bound pass shrinks with it"
  )
  func hostScale() throws {
    let s = try ServingSimulatorTests.setup()
    let pass = ServingIteration(
      chunks: [.init(tokens: 32, cachedTokens: 0, samples: true)],
      decodeSequences: 1, decodeContextTokens: 256)
    let calibrated = try s.pricer.seconds(pass)
    let scaled = try IterationPricer(
      s.model, on: s.device, s.scenario, efficiency: .defaults,
      calibration: s.device.calibration)
    scaled.hostScale = 0.5
    let half = try scaled.seconds(pass)
    let expected = try PhasePrediction.predict(
      s.pricer.mixedGraph(pass), on: s.device, efficiency: .defaults,
      calibration: s.device.calibration, engine: .torch, hostScale: 0.5)
    #expect(approximately(half, expected.seconds, relativeTolerance: 1e-12))
    // 32 layers at 0.512 ms each and 0.126 ms a pass bind this pass.
    #expect(half < 0.75 * calibrated)
  }

  @Test("the host scale is the probe over the calibrated pass: 8 layers")
  func scaleFromProbe() throws {
    let s = try ServingSimulatorTests.setup()
    let calibration = try #require(s.device.calibration)
    let entry = try #require(
      calibration.hostIssue(
        profile: "torch", layerKind: "attention+mlp", phase: .prefill))
    let scale = try #require(
      calibration.hostScale(
        probeSeconds: 2e-3, layers: 8, profile: "torch",
        layerKind: "attention+mlp", phase: .prefill))
    #expect(
      approximately(
        scale, 2e-3 / (entry.passSeconds + 8 * entry.layerSeconds),
        relativeTolerance: 1e-12))
  }

  @Test(
    "simulate --host-probe-ms names the scale, and refuses a descriptor without host issue or a bad value",
    arguments: [
      (
        ["--hardware", "h200-calibrated", "--host-probe-ms", "2.63"], 0,
        "host issue ×0.623"
      ),
      (
        ["--hardware", "h200", "--host-probe-ms", "2.63"], 1,
        "--host-probe-ms: h200 has no calibrated host issue torch/attention+mlp/prefill"
      ),
      (
        ["--hardware", "h200-calibrated", "--host-probe-ms", "-1"], 1,
        "--host-probe-ms must be a positive number"
      ),
      (
        [
          "--hardware", "h200-calibrated", "--host-probe-ms", "2",
          "--ignore-calibration",
        ], 1, "which --ignore-calibration drops"
      ),
      (
        [
          "--hardware", "h200-calibrated", "--host-probe-ms", "2",
          "--host-probe-layers", "0",
        ], 1, "--host-probe-layers must be between 1 and 100000"
      ),
    ])
  func command(flags: [String], status: Int32, message: String) throws {
    let r = try CommandRunner.run(
      [
        "simulate", "--model", "llama-3-8b", "--engine", "torch", "--rate", "2",
        "--requests", "20",
      ] + flags)
    #expect(status == 0 ? r.status == 0 : r.status != 0)
    #expect((r.output + r.error).contains(message), "\(r.output)\(r.error)")
  }
}

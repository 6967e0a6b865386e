import ArgumentParser
import Foundation
import KernelExecutor
import PerfIO

extension RooflineCommand.Bench {
  /// Times chunked linear attention or the selective scan.
  func runRecurrent() throws {
    var random = DeterministicRandom(seed: 42)
    let samples: [Double]
    let flops: Double
    let bytes: Double
    if kernel == .linear {
      let p = LinearAttentionProblem(
        batch: batch, heads: heads, tokens: n, keyDim: d, valueDim: d)
      let q = random.values(p.keyElements)
      let k = random.values(p.keyElements)
      let v = random.values(p.valueElements)
      var o = [Float](repeating: 0, count: p.valueElements)
      samples = q.withUnsafeBufferPointer { qb in
        k.withUnsafeBufferPointer { kb in
          v.withUnsafeBufferPointer { vb in
            o.withUnsafeMutableBufferPointer { ob in
              Stopwatch.measure(warmup: warmup, repetitions: repetitions) {
                LinearAttentionKernel.run(
                  p, q: qb, k: kb, v: vb, o: ob, chunk: chunk, threads: threads)
                BlackHole.consume(UnsafeBufferPointer(ob))
              }
            }
          }
        }
      }
      flops = LinearAttentionKernel.flops(p, chunk: chunk)
      bytes = 4 * Double(2 * p.keyElements + 2 * p.valueElements)
    } else {
      guard d % 8 == 0 else {
        throw CommandError(
          "--d (the channel count for scan) must be a multiple of 8")
      }
      let p = SelectiveScanProblem(
        batch: batch, length: n, channels: d, stateSize: state)
      let x = random.values(p.sequenceElements)
      let delta = random.values(p.sequenceElements).map { ($0 + 1) / 4 }
      let a = random.values(d * state).map { -($0 + 1) / 2 - 0.01 }
      let b = random.values(p.inputElements)
      let c = random.values(p.inputElements)
      let skip = random.values(d)
      var y = [Float](repeating: 0, count: p.sequenceElements)
      samples = x.withUnsafeBufferPointer { xb in
        delta.withUnsafeBufferPointer { db in
          a.withUnsafeBufferPointer { ab in
            b.withUnsafeBufferPointer { bb in
              c.withUnsafeBufferPointer { cb in
                skip.withUnsafeBufferPointer { sb in
                  y.withUnsafeMutableBufferPointer { yb in
                    Stopwatch.measure(warmup: warmup, repetitions: repetitions)
                    {
                      SelectiveScanKernel.run(
                        p, x: xb, delta: db, a: ab, b: bb, c: cb, skip: sb,
                        y: yb,
                        threads: threads)
                      BlackHole.consume(UnsafeBufferPointer(yb))
                    }
                  }
                }
              }
            }
          }
        }
      }
      // Per step, channel and state: Δ·A, exp, ·h, + Δx·B, C·h: 7 FLOPs.
      flops = 7 * Double(p.sequenceElements * state)
      let elements: Int =
        3 * p.sequenceElements + 2 * p.inputElements + d * state + d
      bytes = 4 * Double(elements)
    }
    let timing = Timing(samples)
    let gflops = flops / timing.medianSeconds / 1e9
    try emit(
      timing, gflops: gflops, gbps: bytes / timing.medianSeconds / 1e9,
      fraction: peakGFLOPs.map { gflops / ($0 * Double(threads)) },
      kvHeads: heads,
      causal: true)
  }
}

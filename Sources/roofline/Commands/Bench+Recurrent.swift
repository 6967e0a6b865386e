import ArgumentParser
import Foundation
import KernelExecutor
import PerfIO

extension RooflineCommand.Bench {
  /// Times chunked linear attention or the selective scan.
  func runRecurrent() throws {
    let progress = BenchProgress(repetitions: repetitions, quiet: quiet)
    let timing: Timing
    let flops: Double
    let bytes: Double
    let executed: InstructionSet
    if kernel == .linear {
      let p = LinearAttentionProblem(
        batch: batch, heads: heads, tokens: n, keyDim: d, valueDim: d)
      let host = HostKernel.linear(p, chunk: chunk)
      timing = host.time(
        threads: threads, warmup: warmup, repetitions: repetitions,
        isa: instructionSet, before: progress.tick)
      executed = host.instructionSet(instructionSet)
      flops = LinearAttentionKernel.flops(p, chunk: chunk)
      bytes = 4 * Double(2 * p.keyElements + 2 * p.valueElements)
    } else {
      guard d % 8 == 0 else {
        throw CommandError(
          "--d (the channel count for scan) must be a multiple of 8")
      }
      let p = SelectiveScanProblem(
        batch: batch, length: n, channels: d, stateSize: state)
      let host = HostKernel.scan(p)
      timing = host.time(
        threads: threads, warmup: warmup, repetitions: repetitions,
        isa: instructionSet, before: progress.tick)
      executed = host.instructionSet(instructionSet)
      // Per step, channel and state: Δ·A, exp, ·h, + Δx·B, C·h: 7 FLOPs.
      flops = 7 * Double(p.sequenceElements * state)
      let elements: Int =
        3 * p.sequenceElements + 2 * p.inputElements + d * state + d
      bytes = 4 * Double(elements)
    }
    progress.finish()
    let gflops = flops / timing.medianSeconds / 1e9
    try emit(
      timing, gflops: gflops, gbps: bytes / timing.medianSeconds / 1e9,
      fraction: peakGFLOPs.map { gflops / ($0 * Double(threads)) },
      kvHeads: heads,
      causal: true, executed: executed)
  }
}

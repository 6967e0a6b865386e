import KernelExecutor
import PerfModel

/// The host cases `roofline validate` times: each executor kernel with the
/// workload the model predicts for it.
struct HostCase {
  var kernel: HostKernel
  var workload: KernelWorkload

  /// The grid: `quick` for tests (milliseconds), `full` for reports.
  static func grid(_ size: RooflineCommand.Validate.Grid, threads: [Int])
    -> [HostCase]
  {
    var cases: [HostCase] = []
    let quick = size == .quick
    for t in threads {
      for n in quick ? [96, 192] : [256, 512, 1024, 2048, 4096] {
        for d in quick ? [32] : [64, 128] {
          for causal in [false, true] {
            let tiles =
              [(min(n, 192), min(n, 96))] + (n == 2048 ? [(96, 48)] : [])
            for (r, c) in tiles {
              cases.append(
                flash(
                  n: n, d: d, causal: causal, rowBlock: r, columnBlock: c,
                  threads: t))
            }
          }
        }
      }
      for n in quick ? [64] : [256, 512, 1024, 2048] {
        let p = AttentionProblem(queryLength: n, headDim: 64)
        cases.append(
          HostCase(
            kernel: .standard(p),
            workload: workload(
              .standardAttention, p, threads: t,
              tiling: AttentionTiling(rowBlock: n, columnBlock: n))))
      }
      for l in quick ? [1024] : [4096, 16384, 65536, 262_144] {
        let p = AttentionProblem(
          heads: 8, kvHeads: 2, queryLength: 1, keyLength: l, headDim: 128)
        let splits = min(l / 64, 64)
        cases.append(
          HostCase(
            kernel: .decode(p, splits: splits),
            workload: workload(
              .decodeAttention, p, threads: t, splits: splits)))
      }
      for n in quick ? [256] : [1024, 4096, 16384] {
        let p = LinearAttentionProblem(
          heads: 4, tokens: n, keyDim: 64, valueDim: 64)
        cases.append(
          HostCase(
            kernel: .linear(p, chunk: 64),
            workload: KernelWorkload(
              kind: .linearAttention,
              shape: .linearAttention(
                batch: 1, heads: 4, tokens: n, keyDim: 64, valueDim: 64,
                chunk: 64), dataType: .fp32, threads: t, residentInputs: true)))
      }
      for l in quick ? [256] : [1024, 4096, 16384] {
        let p = SelectiveScanProblem(length: l, channels: 256, stateSize: 16)
        cases.append(
          HostCase(
            kernel: .scan(p),
            workload: KernelWorkload(
              kind: .selectiveScan,
              shape: .selectiveScan(
                batch: 1, length: l, channels: 256, state: 16),
              dataType: .fp32, threads: t, residentInputs: true)))
      }
    }
    return cases
  }

  static func flash(
    n: Int, d: Int, causal: Bool, rowBlock: Int, columnBlock: Int, threads: Int
  ) -> HostCase {
    let p = AttentionProblem(
      heads: 2, queryLength: n, headDim: d, causal: causal)
    return HostCase(
      kernel: .flash(p, rowBlock: rowBlock, columnBlock: columnBlock),
      workload: workload(
        .flashAttention, p, threads: threads,
        tiling: AttentionTiling(rowBlock: rowBlock, columnBlock: columnBlock)))
  }

  static func workload(
    _ kind: KernelWorkload.Kind, _ p: AttentionProblem, threads: Int,
    tiling: AttentionTiling? = nil, splits: Int? = nil
  ) -> KernelWorkload {
    KernelWorkload(
      kind: kind,
      shape: .attention(
        AttentionShape(
          batch: p.batch, heads: p.heads, kvHeads: p.kvHeads,
          queryLength: p.queryLength, keyLength: p.keyLength,
          headDim: p.headDim, causal: p.causal, elementBytes: 4)),
      dataType: .fp32, threads: threads, tiling: tiling, splits: splits,
      residentInputs: true)
  }
}

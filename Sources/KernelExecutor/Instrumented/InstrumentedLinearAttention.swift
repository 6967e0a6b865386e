/// Chunked causal linear attention on the simulated memory (Lightning
/// Attention-2's tiling): within a chunk, `(QKᵀ ⊙ causal) V`; across
/// chunks, the `d_k × d_v` state `S = Σ kᵀv` kept in SRAM.
///
/// SRAM: S `d_k·d_v`; Q and K tiles `C·d_k`; V and O tiles `C·d_v`; the
/// intra-chunk scores `C²`.
public enum InstrumentedLinearAttention {
  /// Runs linear attention with chunks of `chunk` tokens, returning O.
  ///
  /// - Throws: ``SRAMOverflow`` when the state and tiles do not fit.
  public static func run(
    _ p: LinearAttentionProblem, q: [Float], k: [Float], v: [Float], chunk: Int,
    memory: SimulatedMemory
  ) throws -> [Float] {
    let dk = p.keyDim
    let dv = p.valueDim
    var o = [Float](repeating: 0, count: p.valueElements)
    try memory.withTile(dk * dv) { state in
      try memory.withTile(chunk * dk) { qt in
        try memory.withTile(chunk * dk) { kt in
          try memory.withTile(chunk * dv) { vt in
            try memory.withTile(chunk * dv) { ot in
              try memory.withTile(chunk * chunk) { at in
                for instance in 0..<(p.batch * p.heads) {
                  for i in 0..<dk * dv { state.values[i] = 0 }
                  var start = 0
                  while start < p.tokens {
                    let c = min(chunk, p.tokens - start)
                    let keyAt = (instance * p.tokens + start) * dk
                    let valueAt = (instance * p.tokens + start) * dv
                    memory.load(q, from: keyAt, count: c * dk, into: qt, at: 0)
                    memory.load(k, from: keyAt, count: c * dk, into: kt, at: 0)
                    memory.load(
                      v, from: valueAt, count: c * dv, into: vt, at: 0)
                    for i in 0..<c {
                      for j in 0...i {
                        var dot: Float = 0
                        for x in 0..<dk {
                          dot += qt.values[i * dk + x] * kt.values[j * dk + x]
                        }
                        at.values[i * chunk + j] = dot
                      }
                      for y in 0..<dv {
                        var sum: Float = 0
                        for j in 0...i {
                          sum +=
                            at.values[i * chunk + j] * vt.values[j * dv + y]
                        }
                        for x in 0..<dk {
                          sum +=
                            qt.values[i * dk + x] * state.values[x * dv + y]
                        }
                        ot.values[i * dv + y] = sum
                      }
                    }
                    for x in 0..<dk {
                      for y in 0..<dv {
                        var sum: Float = 0
                        for j in 0..<c {
                          sum += kt.values[j * dk + x] * vt.values[j * dv + y]
                        }
                        state.values[x * dv + y] += sum
                      }
                    }
                    memory.store(
                      ot, at: 0, count: c * dv, to: &o, from: valueAt)
                    start += c
                  }
                }
              }
            }
          }
        }
      }
    }
    return o
  }
}

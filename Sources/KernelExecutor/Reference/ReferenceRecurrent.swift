#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Double-precision references for linear attention and the selective scan.
public enum ReferenceRecurrent {
  /// `o_i = Σ_{j ≤ i} (q_i · k_j) v_j`, quadratically, in Double.
  public static func linearAttention(
    _ p: LinearAttentionProblem, q: [Float], k: [Float], v: [Float]
  ) -> [Double] {
    var o = [Double](repeating: 0, count: p.valueElements)
    for instance in 0..<(p.batch * p.heads) {
      for i in 0..<p.tokens {
        for j in 0...i {
          var dot = 0.0
          for x in 0..<p.keyDim {
            dot +=
              Double(q[(instance * p.tokens + i) * p.keyDim + x])
              * Double(k[(instance * p.tokens + j) * p.keyDim + x])
          }
          for y in 0..<p.valueDim {
            o[(instance * p.tokens + i) * p.valueDim + y] +=
              dot * Double(v[(instance * p.tokens + j) * p.valueDim + y])
          }
        }
      }
    }
    return o
  }

  /// The selective scan step by step, in Double.
  public static func selectiveScan(
    _ p: SelectiveScanProblem, x: [Float], delta: [Float], a: [Float],
    b: [Float],
    c: [Float], skip: [Float]
  ) -> [Double] {
    let n = p.stateSize
    var y = [Double](repeating: 0, count: p.sequenceElements)
    for batch in 0..<p.batch {
      var h = [Double](repeating: 0, count: p.channels * n)
      for t in 0..<p.length {
        let row = (batch * p.length + t) * p.channels
        let input = (batch * p.length + t) * n
        for ch in 0..<p.channels {
          let xv = Double(x[row + ch])
          let dv = Double(delta[row + ch])
          var out = 0.0
          for s in 0..<n {
            h[ch * n + s] =
              exp(dv * Double(a[ch * n + s])) * h[ch * n + s] + dv
              * Double(b[input + s]) * xv
            out += Double(c[input + s]) * h[ch * n + s]
          }
          y[row + ch] = out + Double(skip[ch]) * xv
        }
      }
    }
    return y
  }
}

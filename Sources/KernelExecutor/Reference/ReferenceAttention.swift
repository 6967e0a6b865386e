#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Attention in double precision, the reference every kernel is tested
/// against: `O = softmax(QKᵀ/√d + mask) V`, row by row.
public enum ReferenceAttention {
  /// O for `p`, in Double.
  public static func run(
    _ p: AttentionProblem, q: [Float], k: [Float], v: [Float]
  ) -> [Double] {
    var o = [Double](repeating: 0, count: p.queryElements)
    let d = p.headDim
    let scale = 1 / Double(d).squareRoot()
    var scores = [Double](repeating: 0, count: p.keyLength)
    for b in 0..<p.batch {
      for h in 0..<p.heads {
        let kvHead = h / p.groupSize
        for i in 0..<p.queryLength {
          let qi = p.queryOffset(b, head: h, position: i)
          var best = -Double.infinity
          for j in 0..<p.keyLength {
            guard p.visible(position: i, key: j) else {
              scores[j] = -.infinity
              continue
            }
            let kj = p.keyOffset(b, kvHead: kvHead, position: j)
            var dot = 0.0
            for x in 0..<d { dot += Double(q[qi + x]) * Double(k[kj + x]) }
            scores[j] = dot * scale
            best = max(best, scores[j])
          }
          guard best > -.infinity else { continue }
          var sum = 0.0
          for j in 0..<p.keyLength {
            scores[j] = scores[j] == -.infinity ? 0 : exp(scores[j] - best)
            sum += scores[j]
          }
          for j in 0..<p.keyLength where scores[j] != 0 {
            let vj = p.keyOffset(b, kvHead: kvHead, position: j)
            let w = scores[j] / sum
            for x in 0..<d { o[qi + x] += w * Double(v[vj + x]) }
          }
        }
      }
    }
    return o
  }
}

/// Deterministic test data: a linear congruential generator, so that runs
/// and reports are reproducible without a seeded system generator.
public struct DeterministicRandom {
  var state: UInt64

  /// Creates a generator from `seed`.
  public init(seed: UInt64) { state = seed &* 6_364_136_223_846_793_005 &+ 1 }

  /// The next value, uniform in [-1, 1).
  public mutating func next() -> Float {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Float(Int64(bitPattern: state >> 11) % (1 << 24)) / Float(1 << 23)
      - 1
  }

  /// `count` values.
  public mutating func values(_ count: Int) -> [Float] {
    (0..<count).map { _ in next() }
  }

  /// `count` values from a fresh generator seeded with `seed`.
  public static func values(seed: UInt64, count: Int) -> [Float] {
    var generator = DeterministicRandom(seed: seed)
    return generator.values(count)
  }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// One row's update of online softmax against one K/V block in SRAM.
///
/// After Milakov & Gimelshein 2018 and Dao et al. 2022.
enum OnlineSoftmax {
  /// Folds keys `[keyStart, keyStart + cols)` into row `row` of the O tile.
  ///
  /// The running max and sum sit in the stats tile (`m` at `row`, `ℓ` at
  /// `rowBlock + row`). With `normalizeEachStep` (FlashAttention-1), O is
  /// kept normalised by ℓ after every block; otherwise (FlashAttention-2)
  /// O accumulates unnormalised and is divided by ℓ once at the end.
  static func accumulate(
    row r: Int, position: Int, keyStart: Int, cols: Int,
    problem p: AttentionProblem,
    tiles t: InstrumentedFlashAttention.Tiles, rowBlock: Int,
    normalizeEachStep: Bool
  ) {
    let d = p.headDim
    var blockMax = -Float.infinity
    for j in 0..<cols {
      var score: Float = -.infinity
      if p.visible(position: position, key: keyStart + j) {
        var dot: Float = 0
        for x in 0..<d { dot += t.q.values[r * d + x] * t.k.values[j * d + x] }
        score = dot * p.scale
      }
      t.s.values[r * cols + j] = score
      blockMax = max(blockMax, score)
    }
    guard blockMax > -.infinity else { return }
    var blockSum: Float = 0
    for j in 0..<cols {
      let e = expf(t.s.values[r * cols + j] - blockMax)
      t.s.values[r * cols + j] = e
      blockSum += e
    }
    let oldMax = t.stats.values[r]
    let oldSum = t.stats.values[rowBlock + r]
    let newMax = max(oldMax, blockMax)
    let keep = oldMax == -.infinity ? 0 : expf(oldMax - newMax)
    let add = expf(blockMax - newMax)
    let newSum = keep * oldSum + add * blockSum
    let (oldWeight, blockWeight): (Float, Float) =
      normalizeEachStep ? (keep * oldSum / newSum, add / newSum) : (keep, add)
    for x in 0..<d {
      var pv: Float = 0
      for j in 0..<cols {
        pv += t.s.values[r * cols + j] * t.v.values[j * d + x]
      }
      t.o.values[r * d + x] =
        oldWeight * t.o.values[r * d + x] + blockWeight * pv
    }
    t.stats.values[r] = newMax
    t.stats.values[rowBlock + r] = newSum
  }
}

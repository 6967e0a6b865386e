import PerfModel
import Testing

@Suite("FlashAttention-2 traffic in closed form")
struct FlashTrafficClosedFormTests {
  /// FA-2 reads of one instance summed block by block, as the kernel loads
  /// them: `e·(R·d + Σ_i 2·min(N_k, B_c·⌈k_i/B_c⌉)·d)`.
  static func blockByBlock(_ s: AttentionShape, _ t: AttentionTiling) -> Double
  {
    var keys = 0
    var start = 0
    while start < s.packedRows {
      let end = min(start + t.rowBlock, s.packedRows)
      let visible = s.visibleKeys(rowsFrom: start, to: end)
      let blocks = (visible + t.columnBlock - 1) / t.columnBlock
      keys += min(s.keyLength, blocks * t.columnBlock)
      start = end
    }
    let d = Double(s.headDim)
    return Double(s.instances * s.elementBytes)
      * (Double(s.packedRows) * d + 2 * Double(keys) * d)
  }

  @Test(
    "the floor-sum form equals the block-by-block sum",
    arguments: [1, 7, 100, 1000, 4097])
  func equalsLoop(n: Int) {
    var cases = 0
    for cached in [0, 3, 500] {
      for group in [1, 4] {
        for causal in [true, false] {
          let shape = AttentionShape(
            batch: 2, heads: 2 * group, kvHeads: 2, queryLength: n,
            keyLength: n + cached, headDim: 16, causal: causal,
            elementBytes: 2)
          for br in [1, 3, 16, 64, 128] {
            for bc in [1, 5, 16, 64] {
              let tiling = AttentionTiling(rowBlock: br, columnBlock: bc)
              let model = FlashAttentionIO.traffic(
                shape, tiling: tiling, order: .queryOuter)
              #expect(model.readBytes == Self.blockByBlock(shape, tiling))
              cases += 1
            }
          }
        }
      }
    }
    #expect(cases == 3 * 2 * 2 * 5 * 4)
  }
}

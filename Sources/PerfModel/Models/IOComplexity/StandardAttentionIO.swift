/// Slow-memory traffic of standard attention.
///
/// Standard attention writes the score matrix `S = QKᵀ` and the
/// probabilities `P = softmax(S)` to slow memory (Dao et al. 2022, Alg. 0);
/// here tiled as the instrumented kernel runs it.
///
/// Packed rows as in ``AttentionShape``; row blocks of `B_r`, key blocks of
/// `B_c`, head-dimension slices of `b_k` (`T_k = ⌈d / b_k⌉`); `k_i` keys
/// visible to row block `i` (rounded up to whole key blocks), `b_i` their
/// blocks:
///
///     S = QKᵀ    reads  Σ_i (b_i·r_i·d + k_i·d)     writes Σ_i r_i·k_i
///     softmax    reads  2·Σ_i r_i·k_i  (max/sum pass, then normalise)
///                writes Σ_i r_i·k_i
///     O = PV     reads  Σ_i (T_k·r_i·k_i + k_i·d)   writes R·d
///
/// With `b_k = d` this is Θ(Nd·N/B_c + N²); with square tiles
/// `B_r = B_c = b_k = √(M/3)` it is the small-cache algorithm of Saha & Ye
/// (2024), `Θ(N²d/√M)`, which beats FlashAttention when `M < d²`.
///
/// [Dao et al. 2022]: https://arxiv.org/abs/2205.14135
/// [Saha & Ye 2024]: https://arxiv.org/abs/2402.07443
public enum StandardAttentionIO {
  /// Slow-memory traffic of `shape` with `tiling`.
  public static func traffic(_ shape: AttentionShape, tiling: AttentionTiling)
    -> IOTraffic
  {
    let d = shape.headDim
    let slices = Double(RowBlocks.ceil(d, tiling.innerBlock ?? d))
    var reads = 0.0
    var writes = 0.0
    RowBlocks.forEach(shape, rowBlock: tiling.rowBlock) { r, keys in
      let k = Double(
        FlashAttentionIO.loadedKeys(keys, tiling.columnBlock, shape.keyLength))
      let blocks = Double(RowBlocks.ceil(Int(k), tiling.columnBlock))
      let rr = Double(r)
      let dd = Double(d)
      reads += blocks * rr * dd + k * dd  // Q slices per block, K once
      writes += rr * k  // S
      reads += 2 * rr * k  // softmax reads S twice
      writes += rr * k  // P
      reads += slices * rr * k + k * dd  // P per output slice, V once
    }
    writes += Double(shape.packedRows * d)  // O
    return Double(shape.instances * shape.elementBytes)
      * IOTraffic(readBytes: reads, writeBytes: writes)
  }

  /// SRAM the largest phase occupies, in bytes.
  ///
  ///     e · max(B_r·B_c + b_k·(B_r + B_c),  B_r·B_c + 2·B_r)
  public static func sramBytes(
    headDim d: Int, tiling: AttentionTiling, elementBytes e: Int
  )
    -> Double
  {
    let r = Double(tiling.rowBlock)
    let c = Double(tiling.columnBlock)
    let k = Double(tiling.innerBlock ?? d)
    return Double(e) * max(r * c + k * (r + c), r * c + 2 * r)
  }
}

/// Slow-memory traffic of tiled FlashAttention forward, exactly as the
/// instrumented kernels move it.
///
/// Per (batch, KV head), with the group's `g` query heads packed into
/// `R = g · N_q` rows, row blocks of `B_r` and key blocks of `B_c`; `k_i`
/// is the number of keys of row block `i`'s visible key blocks (all `N_k`
/// without a mask) and `b_i = ⌈k_i / B_c⌉`; `e` bytes per element.
///
/// FlashAttention-2 (Q tiles outer; Dao 2023, Alg. 1):
///
///     reads  = e · (R·d + Σ_i 2·k_i·d)          Q once, K and V per row block
///     writes = e · R·d                           O once
///
/// FlashAttention-1 (K/V tiles outer; Dao et al. 2022, Alg. 1), which
/// initialises O, ℓ and m in slow memory and reloads them per key block:
///
///     reads  = e · (2·max_i k_i·d + Σ_i b_i·r_i·(2d + 2))
///     writes = e · (R·(d + 2) + Σ_i b_i·r_i·(d + 2))
///
/// Without a mask the FA-2 reads are `e·(R·d + 2·⌈R/B_r⌉·N_k·d)`: the
/// `Θ(N²d²/M)` of the paper once `B_r = Θ(M/d)`.
///
/// [Dao et al. 2022]: https://arxiv.org/abs/2205.14135
/// [Dao 2023]: https://arxiv.org/abs/2307.08691
public enum FlashAttentionIO {
  /// Which loop is outermost.
  public enum LoopOrder: String, Sendable, Hashable, Codable, CaseIterable {
    /// FlashAttention-1: K/V tiles outer, Q/O tiles inner.
    case kvOuter = "fa1"
    /// FlashAttention-2: Q tiles outer, K/V tiles inner.
    case queryOuter = "fa2"
  }

  /// Slow-memory traffic of one forward pass of `shape` with `tiling`.
  public static func traffic(
    _ shape: AttentionShape, tiling: AttentionTiling, order: LoopOrder
  ) -> IOTraffic {
    let d = Double(shape.headDim)
    let rows = Double(shape.packedRows)
    var perInstance = IOTraffic()
    switch order {
    case .queryOuter:
      let keys = RowBlocks.loadedKeySum(
        shape, rowBlock: tiling.rowBlock, columnBlock: tiling.columnBlock)
      perInstance = IOTraffic(
        readBytes: rows * d + 2 * Double(keys) * d, writeBytes: rows * d)
    case .kvOuter:
      var maxKeys = 0
      var rowVisits = 0.0
      RowBlocks.forEach(shape, rowBlock: tiling.rowBlock) { r, keys in
        let loaded = loadedKeys(keys, tiling.columnBlock, shape.keyLength)
        maxKeys = max(maxKeys, loaded)
        rowVisits += Double(RowBlocks.ceil(loaded, tiling.columnBlock) * r)
      }
      perInstance = IOTraffic(
        readBytes: 2 * Double(maxKeys) * d + rowVisits * (2 * d + 2),
        writeBytes: rows * (d + 2) + rowVisits * (d + 2))
    }
    return Double(shape.instances * shape.elementBytes) * perInstance
  }

  /// Of FlashAttention-2's reads, those a least-recently-used read cache
  /// of `cacheBytes` serves (writes going around it), over all instances.
  ///
  /// Row block `i` reads its Q rows (first use: a miss) and the K and V of
  /// its `L_i` loaded keys. Loaded keys never shrink from one row block to
  /// the next, and blocks load in key order, so between two loads of one
  /// K or V element the cache sees every other K and V element of
  /// `L_{i−1}` keys and row block `i`'s `r_i` Q rows: the element hits if
  /// those are fewer than the cache holds:
  ///
  ///     hits = e · Σ_{i ≥ 1} [e·(2·L_{i−1} + r_i)·d ≤ C] · 2·L_{i−1}·d
  ///
  /// (the first row block's loads are all misses, and so are the K and V
  /// blocks a row block loads for the first time).
  public static func cacheHitBytes(
    _ shape: AttentionShape, tiling: AttentionTiling, cacheBytes: Double
  ) -> Double {
    let d = Double(shape.headDim)
    let e = Double(shape.elementBytes)
    var previous: Int?
    var hits = 0.0
    RowBlocks.forEach(shape, rowBlock: tiling.rowBlock) { rows, keys in
      let loaded = loadedKeys(keys, tiling.columnBlock, shape.keyLength)
      if let p = previous, e * (2 * Double(p) + Double(rows)) * d <= cacheBytes
      {
        hits += 2 * Double(p) * d
      }
      previous = loaded
    }
    return Double(shape.instances) * e * hits
  }

  /// Keys in the whole key blocks that cover the first `visible` keys.
  static func loadedKeys(_ visible: Int, _ columnBlock: Int, _ keyLength: Int)
    -> Int
  {
    min(keyLength, RowBlocks.ceil(visible, columnBlock) * columnBlock)
  }

  /// SRAM a tile set occupies, in bytes, for either loop order.
  ///
  ///     e · (2·B_r·d + 2·B_c·d + B_r·B_c + 2·B_r)      Q, O, K, V, S/P, m, ℓ
  public static func sramBytes(
    headDim d: Int, tiling: AttentionTiling, elementBytes e: Int
  )
    -> Double
  {
    let r = Double(tiling.rowBlock)
    let c = Double(tiling.columnBlock)
    let dd = Double(d)
    return Double(e) * (2 * r * dd + 2 * c * dd + r * c + 2 * r)
  }

  /// Checks that `tiling` suits `shape` and fits in `sramBytes`.
  ///
  /// - Throws: ``TilingError`` for tiles larger than the rows or keys, or
  ///   tiles that need more SRAM than given (naming how much they need).
  public static func check(
    _ shape: AttentionShape, tiling: AttentionTiling, sramBytes: Double
  ) throws(TilingError) {
    guard tiling.rowBlock <= shape.packedRows else {
      throw TilingError(
        "row block \(tiling.rowBlock) exceeds the \(shape.packedRows) packed query rows"
      )
    }
    guard tiling.columnBlock <= shape.keyLength else {
      throw TilingError(
        "column block \(tiling.columnBlock) exceeds the \(shape.keyLength) keys"
      )
    }
    let need = Self.sramBytes(
      headDim: shape.headDim, tiling: tiling, elementBytes: shape.elementBytes)
    guard need <= sramBytes else {
      throw TilingError(
        "tiles \(tiling.rowBlock)×\(tiling.columnBlock) at d = \(shape.headDim) need \(Int(need)) bytes of SRAM; \(Int(sramBytes)) given",
        requiredSRAMBytes: need)
    }
  }

  /// The tiling with the least traffic whose tiles fit in `sramBytes`,
  /// searched over every power-of-two `B_r` and `B_c` up to the rows and
  /// keys (and the rows and keys themselves); with `exhaustive` false, over
  /// each `B_c` with the largest `B_r` beside it (for fast sweeps).
  ///
  /// - Throws: ``TilingError`` when not even 1×1 tiles fit, naming the
  ///   minimum SRAM: `e·(4d + 3)`.
  public static func bestTiling(
    _ shape: AttentionShape, sramBytes: Double, order: LoopOrder,
    exhaustive: Bool = true
  ) throws(TilingError) -> (tiling: AttentionTiling, traffic: IOTraffic) {
    var best: (AttentionTiling, IOTraffic)?
    let rows = candidates(upTo: shape.packedRows)
    for c in candidates(upTo: shape.keyLength) {
      // Without `exhaustive`, only the largest row block that fits beside
      // each column block: FA-2's traffic falls as B_r grows (K and V are
      // re-read once per row block), so the search costs O(log N) models.
      let tried = exhaustive ? rows : Array(rows.reversed())
      for r in tried {
        let tiling = AttentionTiling(rowBlock: r, columnBlock: c)
        let need = Self.sramBytes(
          headDim: shape.headDim, tiling: tiling,
          elementBytes: shape.elementBytes)
        // Ascending, nothing larger fits either; descending, a smaller
        // row block may.
        if need > sramBytes {
          if exhaustive { break } else { continue }
        }
        let t = traffic(shape, tiling: tiling, order: order)
        if best == nil || t.totalBytes < (best?.1.totalBytes ?? .infinity) {
          best = (tiling, t)
        }
        if !exhaustive { break }
      }
    }
    guard let best else {
      let need = Self.sramBytes(
        headDim: shape.headDim,
        tiling: AttentionTiling(rowBlock: 1, columnBlock: 1),
        elementBytes: shape.elementBytes)
      throw TilingError(
        "d = \(shape.headDim) needs at least \(Int(need)) bytes of SRAM for 1×1 tiles; \(Int(sramBytes)) given",
        requiredSRAMBytes: need)
    }
    return best
  }

  static func candidates(upTo n: Int) -> [Int] {
    var values: [Int] = []
    var v = 1
    while v < n {
      values.append(v)
      v *= 2
    }
    values.append(n)
    return values
  }
}

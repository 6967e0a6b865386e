/// The work of one kernel call, counted from its algorithm: FLOPs,
/// exponentials, slow-memory bytes and the bytes its operands occupy.
///
/// What ``KernelCostModel`` prices: a timed kernel's work comes from its
/// ``KernelWorkload``, an operator's from the graph builder's counts.
public struct KernelWork: Sendable, Hashable, Codable {
  /// Floating-point operations.
  public var flops: Double
  /// Exponentials (softmax).
  public var exponentials: Double
  /// All slow-memory traffic the I/O model counts.
  public var bytes: Double
  /// The bytes the operands occupy (each touched once).
  public var footprintBytes: Double
  /// Of `bytes`, what re-reads data already read once (K and V per row
  /// block), and the bytes those re-reads cycle through at once.
  public var reuseBytes = 0.0
  /// The bytes the re-reads cycle through at once (the K and V of the
  /// instances in flight).
  public var reuseWorkingSetBytes = 0.0

  /// Work from counts; the operands' footprint, unless given, is the
  /// traffic less its re-reads (as a timed kernel's work counts it).
  public init(
    flops: Double, exponentials: Double = 0, bytes: Double,
    footprintBytes: Double? = nil, reuseBytes: Double = 0,
    reuseWorkingSetBytes: Double = 0
  ) {
    self.flops = flops
    self.exponentials = exponentials
    self.bytes = bytes
    self.footprintBytes = footprintBytes ?? bytes - reuseBytes
    self.reuseBytes = reuseBytes
    self.reuseWorkingSetBytes = reuseWorkingSetBytes
  }

  /// The work of `w` on `device`, from the I/O models.
  ///
  /// - Throws: ``PlanError`` when a tiling does not fit the SRAM.
  public init(_ w: KernelWorkload, on device: DeviceSpec) throws(PlanError) {
    let e = w.dataType.bytesPerElement
    let sram = device.sramBytesPerUnit ?? device.memoryLevels[0].capacityBytes
    switch w.shape {
    case .gemm(let m, let n, let k):
      let (mm, nn, kk) = (Double(m), Double(n), Double(k))
      flops = 2 * mm * nn * kk
      exponentials = 0
      bytes = e * (mm * kk + nn * kk + mm * nn)
      footprintBytes = bytes
    case .groupedGemm(let m, let n, let k, let g):
      let (mm, nn, kk) = (Double(m), Double(n), Double(k))
      flops = 2 * mm * nn * kk
      exponentials = 0
      bytes = e * (mm * kk + Double(g) * nn * kk + mm * nn)
      footprintBytes = bytes
    case .attention(var a):
      a.elementBytes = max(1, Int(e))
      var pairs = Self.visiblePairs(a) * Double(a.batch * a.heads)
      if w.kind == .flashAttention, a.causal, let tiling = w.tiling {
        // A tiled kernel computes every key block a row block touches,
        // masked pairs included: (Σ rows · keys in whole blocks) per
        // instance, over the packed rows of its query heads.
        var executed = 0.0
        RowBlocks.forEach(a, rowBlock: tiling.rowBlock) { rows, keys in
          executed +=
            Double(rows)
            * Double(
              FlashAttentionIO.loadedKeys(
                keys, tiling.columnBlock, a.keyLength))
        }
        pairs = executed * Double(a.instances)
      }
      flops = 4 * Double(a.headDim) * pairs
      exponentials = pairs
      footprintBytes =
        e
        * Double(
          2 * a.batch * a.heads * a.queryLength * a.headDim + 2 * a.batch
            * a.kvHeads * a.keyLength * a.headDim)
      bytes = try Self.attentionBytes(w, a, sram: sram, device: device)
      if w.kind == .flashAttention {
        // Row blocks of one (batch, KV head) re-read its K and V; a row
        // block's re-reads hit a cache holding its K, V and Q rows
        // (FlashAttentionIO.cacheHitBytes, exact against a simulated LRU
        // cache); the instances in flight at once share it.
        let rowBlock = w.tiling?.rowBlock ?? 128
        let rowBlocks = Double((a.packedRows + rowBlock - 1) / rowBlock)
        let workers = Double(w.threads ?? device.compute.unitCount)
        let inFlight = max(1, min(Double(a.instances), workers / rowBlocks))
        reuseBytes = max(0, bytes - footprintBytes)
        reuseWorkingSetBytes =
          inFlight * e * Double((2 * a.keyLength + rowBlock) * a.headDim)
      }
      if w.kind == .standardAttention {
        // S and P, one row-major N_q × N_k matrix per (batch, head).
        footprintBytes +=
          2 * e * Double(a.batch * a.heads * a.queryLength * a.keyLength)
      }
    case .linearAttention(let b, let h, let n, let dk, let dv, let chunk):
      var total = 0.0
      var start = 0
      while start < n {
        let c = Double(min(chunk, n - start))
        let (k, v) = (Double(dk), Double(dv))
        // Intra-chunk QKᵀ and (·)V, inter-chunk Q·S and the state Kᵀ·V.
        total += 2 * c * c * k + 2 * c * c * v + 4 * c * k * v
        start += chunk
      }
      flops = total * Double(b * h)
      exponentials = 0
      bytes =
        LinearAttentionIO.traffic(
          batch: b, heads: h, tokens: n, keyDim: dk, valueDim: dv,
          elementBytes: Int(e)
        ).totalBytes
      footprintBytes = bytes
    case .selectiveScan(let b, let l, let d, let s):
      let steps = Double(b * l * d * s)
      // Per step, channel and state: Δ·A, ·h, + Δx·B (2), C·h (2), + y.
      flops = 7 * steps
      exponentials = steps
      bytes =
        SelectiveScanIO.traffic(
          batch: b, length: l, channels: d, stateSize: s,
          channelBlock: min(d, 8), elementBytes: Int(e)
        ).totalBytes
      footprintBytes = e * Double(b * (3 * l * d + 2 * l * s) + d * s + d)
    case .stream(let n, let r, let w):
      flops = 0
      exponentials = 0
      bytes = e * Double(n) * Double(r + w)
      footprintBytes = bytes
    }
  }

  static func attentionBytes(
    _ w: KernelWorkload, _ a: AttentionShape, sram: Double, device: DeviceSpec
  ) throws(PlanError) -> Double {
    switch w.kind {
    case .decodeAttention:
      let fill = max(
        1, device.compute.unitCount / max(1, a.batch * a.kvHeads))
      let splits = min(a.keyLength, w.splits ?? fill)
      return DecodeAttentionIO.traffic(a, splits: splits).totalBytes
    case .standardAttention:
      let tiling =
        w.tiling
        ?? AttentionTiling(rowBlock: a.packedRows, columnBlock: a.keyLength)
      return StandardAttentionIO.traffic(a, tiling: tiling).totalBytes
    default:
      if let tiling = w.tiling {
        return FlashAttentionIO.traffic(a, tiling: tiling, order: .queryOuter)
          .totalBytes
      }
      do {
        return try FlashAttentionIO.bestTiling(
          a, sramBytes: sram, order: .queryOuter, exhaustive: false
        ).traffic.totalBytes
      } catch {
        throw PlanError(.tiling, "\(device.name): \(error.message)")
      }
    }
  }

  /// Query-key pairs one (batch, head) visits; a causal mask aligns the
  /// last query with the last key.
  static func visiblePairs(_ a: AttentionShape) -> Double {
    let nq = Double(a.queryLength)
    let nk = Double(a.keyLength)
    guard a.causal else { return nq * nk }
    let offset = nk - nq
    if offset >= 0 { return nq * offset + nq * (nq + 1) / 2 }
    // More queries than keys: the first −offset rows see nothing.
    return nk * (nk + 1) / 2
  }
}

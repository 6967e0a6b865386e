/// FlashAttention-2's varlen kernel (one call over sequences of unequal
/// query and key lengths) when some sequence has more than one query:
/// what a continuous-batching pass that prefills and a speculative
/// verification run.
enum VarlenAttention {
  /// Query rows of the kernel's row tile (head dimension 128).
  static let rowTile = 128

  /// Thread blocks the kernel runs for `batch` sequences of `queries`
  /// queries each: one a (sequence, query head, row tile).
  static func threadBlocks(batch: Int, queries: Int, heads: Int) -> Int {
    batch * heads * ((queries + rowTile - 1) / rowTile)
  }

  /// An attention operator as FlashAttention-2's varlen kernel runs a
  /// few queries a sequence.
  ///
  /// One thread block per (sequence, query head), each a whole row tile of
  /// `Br` = 128 queries (only with a single query does it fold a GQA
  /// group's heads into the tile), so
  ///
  ///     FLOPs = 4 · d · heads · batch · ⌈q / Br⌉ · Br · keys
  ///     K/V   = g re-reads of each KV head's cache, g = heads / kv heads
  ///
  /// The grid runs (row tile, sequence, head), the head slowest. While a
  /// group's `g` heads fit the thread blocks resident at once (taken as
  /// two a unit: `batch · ⌈q/Br⌉ · g ≤ 2 · units`) they run together and
  /// their `g − 1` re-reads hit the L2 within the K/V tiles in flight
  /// (64 keys a block); beyond that a head's re-read comes after one
  /// head's caches over the batch have streamed, and hits the L2 only
  /// while those fit in it. With fewer blocks than units the idle units
  /// add nothing (``Operator/threadBlocks``). Whatever the pass, the kernel is
  /// FlashAttention's prefill kernel, and its calibration class prices it.
  static func unpacked(
    _ op: Operator, _ at: AttentionSpec, _ s: GraphScenario, queries q: Int,
    keys: Int
  ) -> Operator {
    let tp = s.plan.tensorParallel
    let heads = Double(at.queryHeads / tp)
    let kvHeads = Double(Shard.perRank(at.kvHeads, tp) ?? at.kvHeads)
    let d = Double(at.headDim)
    let a = s.activationDataType.residualType.bytesPerElement
    let rowTile = Double(Self.rowTile)
    var op = op
    let batch = Double(s.batch)
    op.flops =
      4 * d * heads * batch * (Double(q) / rowTile).rounded(.up) * rowTile
      * Double(keys)
    op.kernelPhase = .prefill
    let oneRead = batch * Double(keys) * 2 * kvHeads * d * a
    let extra = max(0, heads / kvHeads - 1) * oneRead
    op.bytes += extra
    op.reuseBytes += extra
    let group = heads / kvHeads
    // A single sequence's heads leave most units idle.
    op.threadBlocks = threadBlocks(
      batch: s.batch, queries: q, heads: Int(heads))
    // A group's blocks: those of one KV head.
    let blocks = Double(op.threadBlocks ?? 0) / kvHeads
    let resident = 2 * Double(max(1, s.computeUnits))
    op.reuseWorkingSetBytes =
      blocks <= resident
      ? resident / group * 2 * 64 * d * a
      : batch * Double(keys) * 2 * d * a
    return op
  }
}

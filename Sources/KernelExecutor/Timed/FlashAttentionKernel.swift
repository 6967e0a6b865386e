/// FlashAttention-2 forward in Float32 on the CPU, computed transposed.
///
/// `Sᵀ = K·Qᵀ` and `Oᵀ += Vᵀ·Pᵀ`, Q row blocks outer, K/V blocks inner,
/// through the packed 6×16 SIMD micro-kernel. Threads take (batch, head,
/// row block) items.
///
/// The transposed form keeps every operand in the micro-kernel's layout
/// without per-block repacking: K and Vᵀ are packed once per (batch, KV
/// head), Qᵀ once per row block (pre-scaled by `log2(e)/√d`, so that
/// `exp2` replaces `exp`), and Sᵀ, row-major, is already the B operand of
/// the second product. Online softmax then runs down the columns of Sᵀ,
/// eight queries per vector, with no horizontal reductions. A causal mask
/// skips blocks wholly above the diagonal and masks the blocks that cross
/// it.
public enum FlashAttentionKernel {
  /// Computes O for `p`.
  ///
  /// - Parameters:
  ///   - p: the problem.
  ///   - q: queries, `[batch][heads][N_q][d]`.
  ///   - k: keys, `[batch][kvHeads][N_k][d]`.
  ///   - v: values, laid out as keys.
  ///   - o: the output, laid out as queries.
  ///   - rowBlock: queries per block (`B_r`; multiples of 16 waste nothing).
  ///   - columnBlock: keys per block (`B_c`), a multiple of 6.
  ///   - threads: worker threads.
  ///   - density: the fraction of the key blocks each row block sees that
  ///     it visits, block-sparse as ``InstrumentedBlockSparseAttention``
  ///     picks them (its sink block and those nearest the diagonal); 1 is
  ///     dense.
  ///   - isa: the instruction set of the inner loops (``InstructionSet``).
  public static func run(
    _ p: AttentionProblem, q: UnsafeBufferPointer<Float>,
    k: UnsafeBufferPointer<Float>,
    v: UnsafeBufferPointer<Float>, o: UnsafeMutableBufferPointer<Float>,
    rowBlock: Int = 192,
    columnBlock: Int = 96, threads: Int = 1, density: Double = 1,
    isa: InstructionSet = .widest
  ) {
    precondition(density > 0 && density <= 1, "density is in (0, 1]")
    precondition(
      columnBlock % 6 == 0, "the column block must be a multiple of 6")
    precondition(q.count >= p.queryElements && k.count >= p.keyElements)
    precondition(v.count >= p.keyElements && o.count >= p.queryElements)
    guard let qb = q.baseAddress, let kb = k.baseAddress,
      let vb = v.baseAddress,
      let ob = o.baseAddress
    else { return }
    let layout = Layout(
      p, rowBlock: rowBlock, columnBlock: columnBlock, density: density,
      isa: isa)
    let instances = p.batch * p.kvHeads
    let packedK = UnsafeMutablePointer<Float>.allocate(
      capacity: layout.kSize * instances)
    let packedV = UnsafeMutablePointer<Float>.allocate(
      capacity: layout.vSize * instances)
    defer {
      packedK.deallocate()
      packedV.deallocate()
    }
    let rowBlocks = (p.queryLength + rowBlock - 1) / rowBlock
    let items = p.batch * p.heads * rowBlocks
    let workers = max(1, min(threads, items))
    let shared = Buffers(
      q: SharedInput(base: qb), k: SharedInput(base: kb),
      v: SharedInput(base: vb),
      o: SharedOutput(base: ob), packedK: SharedOutput(base: packedK),
      packedV: SharedOutput(base: packedV))
    // Packing is split by key range too, so that one head's packing does
    // not run on one thread while the others wait.
    let packChunk = 384
    let chunks = (layout.paddedKeys + packChunk - 1) / packChunk
    Parallel.run(threads: workers, items: instances * chunks) { _, item in
      let instance = item / chunks
      let first = item % chunks * packChunk
      let stride = p.keyLength * p.headDim
      layout.pack(
        k: shared.k.base + instance * stride,
        v: shared.v.base + instance * stride,
        into: shared.packedK.base + instance * layout.kSize,
        shared.packedV.base + instance * layout.vSize,
        keys: first..<min(layout.paddedKeys, first + packChunk))
    }
    let boxes = ScratchBoxes((0..<workers).map { _ in Scratch(layout) })
    // Last row blocks first: under a causal mask they see the most keys,
    // and the cheap early blocks then fill the gaps between threads.
    let heads = p.batch * p.heads
    Parallel.run(threads: workers, items: items) { worker, item in
      rowBlockForward(
        p, head: item % heads, block: rowBlocks - 1 - item / heads,
        layout: layout,
        buffers: shared,
        s: boxes.items[worker])
    }
  }

  struct Buffers: Sendable {
    let q: SharedInput
    let k: SharedInput
    let v: SharedInput
    let o: SharedOutput
    let packedK: SharedOutput
    let packedV: SharedOutput
  }

  /// Padded sizes and packed layouts.
  struct Layout: Sendable {
    let keys: Int
    let headDim: Int
    let rowBlock: Int
    let columnBlock: Int
    /// Keys padded to 6 (K's panels).
    let paddedKeys: Int
    /// Head dimension padded to 6 (Vᵀ's panels, rows of Oᵀ).
    let paddedDim: Int
    /// Queries per block padded to 16 (Qᵀ's panels, columns of Sᵀ and Oᵀ).
    let paddedRows: Int
    /// The fraction of seen key blocks a row block visits (1: all).
    let density: Double
    /// The instruction set of the products and the softmax.
    let isa: InstructionSet

    init(
      _ p: AttentionProblem, rowBlock: Int, columnBlock: Int,
      density: Double = 1, isa: InstructionSet = .widest
    ) {
      self.density = density
      self.isa = isa
      keys = p.keyLength
      headDim = p.headDim
      self.rowBlock = rowBlock
      self.columnBlock = columnBlock
      paddedKeys = (p.keyLength + 5) / 6 * 6
      paddedDim = (p.headDim + 5) / 6 * 6
      paddedRows = (rowBlock + 15) / 16 * 16
    }

    /// K in 6-key panels, `[N/6][d][6]`.
    var kSize: Int { paddedKeys * headDim }
    /// Vᵀ in 6-dimension panels, `[d/6][N][6]`.
    var vSize: Int { paddedDim * keys }

    /// Packs the keys in `range` (of `0..<paddedKeys`; panels of 6 start
    /// at multiples of 6) of K and V.
    func pack(
      k: UnsafePointer<Float>, v: UnsafePointer<Float>,
      into kp: UnsafeMutablePointer<Float>,
      _ vp: UnsafeMutablePointer<Float>, keys range: Range<Int>
    ) {
      let d = headDim
      for key in range {
        let panel = kp + key / 6 * 6 * d + key % 6
        for x in 0..<d { panel[x * 6] = key < keys ? k[key * d + x] : 0 }
      }
      // Key by key, so that V is read in order (a dimension-major walk
      // strides through all of V once per dimension: 3–4% of the run at
      // N = 2048, d = 64).
      for key in range.clamped(to: 0..<keys) {
        let row = v + key * d
        let slot = vp + key * 6
        for x in 0..<d { slot[x / 6 * 6 * keys + x % 6] = row[x] }
        for x in d..<paddedDim { slot[x / 6 * 6 * keys + x % 6] = 0 }
      }
    }
  }

  /// Per-thread working memory.
  final class Scratch {
    let qt: UnsafeMutablePointer<Float>
    let st: UnsafeMutablePointer<Float>
    let ot: UnsafeMutablePointer<Float>
    let m: UnsafeMutablePointer<Float>
    let l: UnsafeMutablePointer<Float>
    let blockMax: UnsafeMutablePointer<Float>

    init(_ layout: Layout) {
      qt = Self.lineAligned(layout.paddedRows * layout.headDim)
      st = Self.lineAligned(layout.columnBlock * layout.paddedRows)
      ot = Self.lineAligned(layout.paddedDim * layout.paddedRows)
      m = Self.lineAligned(layout.paddedRows)
      l = Self.lineAligned(layout.paddedRows)
      blockMax = Self.lineAligned(layout.paddedRows)
    }

    /// Allocates `count` floats starting on a 64-byte cache line.
    ///
    /// Rows of Sᵀ and Oᵀ are a multiple of 16 floats long, so each 16-query
    /// panel row is one whole line and no vector load or store splits
    /// across two.
    static func lineAligned(_ count: Int) -> UnsafeMutablePointer<Float> {
      UnsafeMutableRawPointer.allocate(
        byteCount: count * MemoryLayout<Float>.stride, alignment: 64
      ).bindMemory(to: Float.self, capacity: count)
    }

    deinit {
      for pointer in [qt, st, ot, m, l, blockMax] {
        UnsafeMutableRawPointer(pointer).deallocate()
      }
    }
  }

  /// Scratch handed to worker threads; worker `w` only touches item `w`.
  struct ScratchBoxes: @unchecked Sendable {
    let items: [Scratch]
    init(_ items: [Scratch]) { self.items = items }
  }

  static func rowBlockForward(
    _ p: AttentionProblem, head: Int, block: Int, layout: Layout,
    buffers: Buffers, s: Scratch
  ) {
    let d = p.headDim
    let rp = layout.paddedRows
    let b = head / p.heads
    let h = head % p.heads
    let instance = b * p.kvHeads + h / p.groupSize
    let row0 = block * layout.rowBlock
    let rows = min(layout.rowBlock, p.queryLength - row0)
    let kp = UnsafePointer(buffers.packedK.base + instance * layout.kSize)
    let vp = UnsafePointer(buffers.packedV.base + instance * layout.vSize)
    let offset = p.keyLength - p.queryLength
    // Qᵀ in 16-query panels, [rp/16][d][16], scaled; padding queries are 0.
    let qBase = buffers.q.base + p.queryOffset(b, head: h, position: row0)
    let scale = p.scale * 1.442_695_040_888_963_4
    for r in 0..<rp {
      let panel = s.qt + r / 16 * 16 * d + r % 16
      if r < rows {
        for x in 0..<d { panel[x * 16] = qBase[r * d + x] * scale }
      } else {
        for x in 0..<d { panel[x * 16] = 0 }
      }
    }
    s.ot.initialize(repeating: 0, count: layout.paddedDim * rp)
    s.m.initialize(repeating: -.infinity, count: rp)
    s.l.initialize(repeating: 0, count: rp)
    let keyEnd = p.causal ? min(p.keyLength, row0 + rows + offset) : p.keyLength
    let seen = (keyEnd + layout.columnBlock - 1) / layout.columnBlock
    let visited =
      layout.density < 1
      ? InstrumentedBlockSparseAttention.visitedBlocks(
        visible: seen, density: layout.density) : Array(0..<seen)
    for index in visited {
      let key0 = index * layout.columnBlock
      let cols = min(layout.columnBlock, keyEnd - key0)
      let crossesDiagonal = p.causal && key0 + cols - 1 > row0 + offset
      // Under the mask, query panels whose every query precedes `key0` see
      // nothing in this block: both products and the softmax skip them.
      let skipped =
        p.causal ? min(rp, max(0, key0 - row0 - offset) / 16 * 16) : 0
      let queries = rp - skipped
      // The max can ride on the score product when every padded row is a
      // real, unmasked key.
      let fuseMax = !crossesDiagonal && cols % 6 == 0
      if fuseMax { s.blockMax.initialize(repeating: -.infinity, count: rp) }
      PackedGEMM.multiply(
        m: (cols + 5) / 6 * 6, n: queries, k: d, a: kp + key0 * d,
        aPanelStride: 6 * d, b: s.qt + skipped * d,
        bPanelStride: 16 * d, bStep: 16, c: s.st + skipped, ldc: rp,
        accumulate: false,
        columnMax: fuseMax ? s.blockMax + skipped : nil, isa: layout.isa)
      OnlineSoftmaxColumns.update(
        s.st + skipped, ldc: rp, queries: queries, cols: cols,
        m: s.m + skipped, l: s.l + skipped, ot: s.ot + skipped,
        dRows: layout.paddedDim,
        maskFrom: crossesDiagonal
          ? (key0: key0, firstLimit: row0 + offset + skipped) : nil,
        blockMax: fuseMax ? UnsafePointer(s.blockMax + skipped) : nil,
        isa: layout.isa)
      PackedGEMM.multiply(
        m: layout.paddedDim, n: queries, k: cols, a: vp + key0 * 6,
        aPanelStride: 6 * p.keyLength,
        b: s.st + skipped, bPanelStride: 16, bStep: rp, c: s.ot + skipped,
        ldc: rp, accumulate: true, isa: layout.isa
      )
    }
    let out = buffers.o.base + p.queryOffset(b, head: h, position: row0)
    for r in 0..<rows {
      let inverse = s.l[r] > 0 ? 1 / s.l[r] : 0
      for x in 0..<d { out[r * d + x] = s.ot[x * rp + r] * inverse }
    }
  }
}

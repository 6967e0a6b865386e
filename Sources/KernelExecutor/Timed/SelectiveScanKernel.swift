import CHostKernels

/// Mamba's selective scan in Float32, eight channels per vector (sixteen
/// under AVX-512 when the channels are a multiple of 16).
///
/// After Gu & Dao 2023, Alg. 2: for each block of 8 channels the `8 × N` state
/// stays in registers while time advances, `exp(Δ·A)` by the shared `2^x`
/// polynomial. Threads take (batch, range of channel blocks) items and walk
/// time in chunks of 16 steps.
public enum SelectiveScanKernel {
  /// Computes y for `p`; `channels` must be a multiple of 8.
  ///
  /// - Parameters:
  ///   - p: the problem.
  ///   - x: inputs, `[batch][length][channels]`.
  ///   - delta: step sizes, laid out as `x`.
  ///   - a: `[channels][stateSize]`, negative for a decaying state.
  ///   - b: `[batch][length][stateSize]`.
  ///   - c: laid out as `b`.
  ///   - skip: `D`, `[channels]`.
  ///   - y: the output, laid out as `x`.
  ///   - threads: worker threads.
  ///   - isa: the instruction set (``InstructionSet``); AVX-512 takes
  ///     sixteen channels per vector when `channels` is a multiple of 16,
  ///     else the scan runs eight wide (``lanes(_:isa:)``).
  public static func run(
    _ p: SelectiveScanProblem, x: UnsafeBufferPointer<Float>,
    delta: UnsafeBufferPointer<Float>,
    a: UnsafeBufferPointer<Float>, b: UnsafeBufferPointer<Float>,
    c: UnsafeBufferPointer<Float>,
    skip: UnsafeBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>,
    threads: Int = 1, isa: InstructionSet = .widest
  ) {
    typealias V = SIMD8<Float>
    precondition(p.channels % 8 == 0, "channels must be a multiple of 8")
    guard let xb = x.baseAddress, let db = delta.baseAddress,
      let ab = a.baseAddress,
      let bb = b.baseAddress, let cb = c.baseAddress, let sb = skip.baseAddress,
      let yb = y.baseAddress
    else { return }
    let inputs = (
      SharedInput(base: xb), SharedInput(base: db), SharedInput(base: ab),
      SharedInput(base: bb),
      SharedInput(base: cb), SharedInput(base: sb)
    )
    let out = SharedOutput(base: yb)
    let width = lanes(p, isa: isa)
    #if arch(x86_64)
    if width == 16 {
      // Blocks of 16 channels in C (`roofline_scan_block_avx512`).
      walk(p, lanes: 16, a: inputs.2.base, threads: threads) {
        batch, c0, at, states, t0, t1 in
        let rows = batch * p.length * p.channels
        let stateRows = batch * p.length * p.stateSize
        roofline_scan_block_avx512(
          at, states, p.stateSize, inputs.0.base + rows + c0,
          inputs.1.base + rows + c0, inputs.3.base + stateRows,
          inputs.4.base + stateRows, inputs.5.base + c0, out.base + rows + c0,
          p.channels, t0, t1)
      }
      return
    }
    #endif
    walk(p, lanes: 8, a: inputs.2.base, threads: threads) {
      batch, c0, ab, states, t0, t1 in
      let n = p.stateSize
      let h = UnsafeMutableRawPointer(states).bindMemory(
        to: V.self, capacity: n)
      let dv = MicroGEMM.load(inputs.5.base + c0)
      for t in t0..<t1 {
        let row = (batch * p.length + t) * p.channels + c0
        let xv = MicroGEMM.load(inputs.0.base + row)
        let deltav = MicroGEMM.load(inputs.1.base + row)
        let bt = inputs.3.base + (batch * p.length + t) * n
        let ct = inputs.4.base + (batch * p.length + t) * n
        let dx = deltav * xv
        var acc0 = V()
        var acc1 = V()
        var s = 0
        while s + 2 <= n {
          let h0 =
            exp2Lanes(deltav * MicroGEMM.load(ab + s * 8)) * h[s]
            + dx * V(repeating: bt[s])
          let h1 =
            exp2Lanes(deltav * MicroGEMM.load(ab + (s + 1) * 8)) * h[s + 1]
            + dx * V(repeating: bt[s + 1])
          h[s] = h0
          h[s + 1] = h1
          acc0.addProduct(V(repeating: ct[s]), h0)
          acc1.addProduct(V(repeating: ct[s + 1]), h1)
          s += 2
        }
        if s < n {
          let h0 =
            exp2Lanes(deltav * MicroGEMM.load(ab + s * 8)) * h[s] + dx
            * V(repeating: bt[s])
          h[s] = h0
          acc0.addProduct(V(repeating: ct[s]), h0)
        }
        MicroGEMM.store(acc0 + acc1 + dv * xv, out.base + row)
      }
    }
  }

  /// Walks `p` in blocks of `lanes` channels: each work item owns a
  /// contiguous range of blocks of one sequence and walks time in chunks,
  /// every block of the range per chunk, calling `body` with the
  /// sequence, the block's first channel, its A transposed to
  /// `[stateSize][lanes]` and scaled by log2(e), its `stateSize × lanes`
  /// states (zero at first, 64-byte aligned) and the chunk's steps.
  ///
  /// A chunk's rows of x, Δ and y are read whole and in order. (Block by
  /// block, time outer, each step strode a whole row of channels, and past
  /// 2K steps the pages touched outran the TLB: 16K steps ran 1.5× slower
  /// per step than 1K.) 16 steps: a block's pass over a chunk reads one
  /// 32-byte piece of each of 16 rows of x, Δ and y, rows 1 KB apart (256
  /// channels), so all land in a quarter of L1's 64 sets; at 64 steps those
  /// pieces overflowed the sets' 8 ways before the next block reused the
  /// rest of each line. Interleaved A/B, one thread, 256 channels: L = 4K
  /// 19.1-19.8 ms → 14.1-14.5 ms, L = 16K 72-77 → 58-61 ms; 1024 channels,
  /// L = 4K: 87 → 72 ms (32 steps sat between).
  static func walk(
    _ p: SelectiveScanProblem, lanes: Int, a: UnsafePointer<Float>,
    threads: Int,
    _ body:
      @Sendable (
        _ batch: Int, _ firstChannel: Int, _ at: UnsafePointer<Float>,
        _ states: UnsafeMutablePointer<Float>, _ t0: Int, _ t1: Int
      ) -> Void
  ) {
    let blocks = p.channels / lanes
    let log2e: Float = 1.442_695_040_888_963_4
    let groups = max(1, min(blocks, threads))
    let chunk = 16
    let a = SharedInput(base: a)
    Parallel.run(threads: threads, items: p.batch * groups) { _, item in
      let batch = item / groups
      let group = item % groups
      let firstBlock = group * blocks / groups
      let owned = (group + 1) * blocks / groups - firstBlock
      let n = p.stateSize
      let at = FlashAttentionKernel.Scratch.lineAligned(owned * n * lanes)
      let states = FlashAttentionKernel.Scratch.lineAligned(owned * n * lanes)
      defer {
        UnsafeMutableRawPointer(at).deallocate()
        UnsafeMutableRawPointer(states).deallocate()
      }
      for block in 0..<owned {
        let c0 = (firstBlock + block) * lanes
        for s in 0..<n {
          for lane in 0..<lanes {
            at[(block * n + s) * lanes + lane] =
              a.base[(c0 + lane) * n + s] * log2e
          }
        }
      }
      states.initialize(repeating: 0, count: owned * n * lanes)
      var t0 = 0
      while t0 < p.length {
        let t1 = min(p.length, t0 + chunk)
        for block in 0..<owned {
          body(
            batch, (firstBlock + block) * lanes,
            UnsafePointer(at + block * n * lanes),
            states + block * n * lanes, t0, t1)
        }
        t0 = t1
      }
    }
  }

  /// Channels per vector the scan of `p` runs with under `isa`.
  public static func lanes(_ p: SelectiveScanProblem, isa: InstructionSet)
    -> Int
  {
    isa.isWide && p.channels % 16 == 0 ? 16 : 8
  }

}

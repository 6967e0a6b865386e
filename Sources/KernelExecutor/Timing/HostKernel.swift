/// One host kernel call to time, with its inputs' shape and tiling.
public enum HostKernel: Sendable, Hashable {
  /// FlashAttention-2 with `rowBlock × columnBlock` tiles.
  case flash(AttentionProblem, rowBlock: Int, columnBlock: Int)
  /// FlashAttention-2 visiting a `density` of the key blocks each row
  /// block sees (``InstrumentedBlockSparseAttention/visitedBlocks(visible:density:)``).
  case blockSparse(
    AttentionProblem, rowBlock: Int, columnBlock: Int, density: Double)
  /// Standard attention (S and P materialised per head).
  case standard(AttentionProblem)
  /// Split-KV decode attention.
  case decode(AttentionProblem, splits: Int)
  /// Chunked linear attention.
  case linear(LinearAttentionProblem, chunk: Int)
  /// The selective scan (`channels` a multiple of 8).
  case scan(SelectiveScanProblem)

  /// Times the kernel on `threads` threads over seeded random inputs.
  ///
  /// After `warmup` untimed calls, it runs `repetitions` times and more while the
  /// timed total is under `minimumSeconds` (see ``Stopwatch``); inputs stay
  /// allocated (and cached, when they fit) across repetitions; `before`
  /// runs ahead of each timed call (a probe, a progress tick), outside the
  /// time. The inner loops run in `isa` (see ``instructionSet(_:)`` for
  /// the one that actually runs).
  public func time(
    threads: Int, warmup: Int, repetitions: Int, minimumSeconds: Double = 0,
    isa: InstructionSet = .widest, before: () -> Void = {}
  ) -> Timing {
    var random = DeterministicRandom(seed: 42)
    switch self {
    case .flash(let p, _, _), .standard(let p), .decode(let p, _),
      .blockSparse(let p, _, _, _):
      return Self.time(
        q: random.values(p.queryElements), k: random.values(p.keyElements),
        v: random.values(p.keyElements), outputs: p.queryElements,
        warmup: warmup, repetitions: repetitions,
        minimumSeconds: minimumSeconds, before: before
      ) { q, k, v, o in
        runAttention(q: q, k: k, v: v, o: o, threads: threads, isa: isa)
      }
    case .linear(let p, let chunk):
      return Self.time(
        q: random.values(p.keyElements), k: random.values(p.keyElements),
        v: random.values(p.valueElements), outputs: p.valueElements,
        warmup: warmup, repetitions: repetitions,
        minimumSeconds: minimumSeconds, before: before
      ) { q, k, v, o in
        LinearAttentionKernel.run(
          p, q: q, k: k, v: v, o: o, chunk: chunk, threads: threads, isa: isa)
      }
    case .scan(let p):
      return ScanInputs(p, random: &random).time(
        threads: threads, warmup: warmup, repetitions: repetitions,
        minimumSeconds: minimumSeconds, isa: isa, before: before)
    }
  }

  /// The instruction set this kernel's inner loops run in when asked for
  /// `isa`: `isa`, except where a shape has no wide path (a scan whose
  /// channels are not a multiple of 16 runs eight wide).
  public func instructionSet(_ isa: InstructionSet) -> InstructionSet {
    guard isa == .avx512 else { return isa }
    switch self {
    case .scan(let p) where SelectiveScanKernel.lanes(p, isa: isa) == 8:
      return .avx2
    default: return isa
    }
  }

  /// Times `run` over `q`, `k`, `v` and an output of `outputs` elements,
  /// which it consumes after each call so the work is not elided.
  static func time(
    q: [Float], k: [Float], v: [Float], outputs: Int, warmup: Int,
    repetitions: Int, minimumSeconds: Double, before: () -> Void,
    _ run: (
      UnsafeBufferPointer<Float>, UnsafeBufferPointer<Float>,
      UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>
    ) -> Void
  ) -> Timing {
    var o = [Float](repeating: 0, count: outputs)
    return q.withUnsafeBufferPointer { qb in
      k.withUnsafeBufferPointer { kb in
        v.withUnsafeBufferPointer { vb in
          o.withUnsafeMutableBufferPointer { ob in
            Timing(
              Stopwatch.measure(
                warmup: warmup, repetitions: repetitions,
                minimumSeconds: minimumSeconds, before: before
              ) {
                run(qb, kb, vb, ob)
                BlackHole.consume(UnsafeBufferPointer(ob))
              })
          }
        }
      }
    }
  }

  func runAttention(
    q: UnsafeBufferPointer<Float>, k: UnsafeBufferPointer<Float>,
    v: UnsafeBufferPointer<Float>, o: UnsafeMutableBufferPointer<Float>,
    threads: Int, isa: InstructionSet
  ) {
    switch self {
    case .flash(let p, let rowBlock, let columnBlock):
      FlashAttentionKernel.run(
        p, q: q, k: k, v: v, o: o, rowBlock: rowBlock,
        columnBlock: columnBlock, threads: threads, isa: isa)
    case .blockSparse(let p, let rowBlock, let columnBlock, let density):
      FlashAttentionKernel.run(
        p, q: q, k: k, v: v, o: o, rowBlock: rowBlock,
        columnBlock: columnBlock, threads: threads, density: density, isa: isa)
    case .standard(let p):
      StandardAttentionKernel.run(
        p, q: q, k: k, v: v, o: o, threads: threads, isa: isa)
    case .decode(let p, let splits):
      DecodeAttentionKernel.run(
        p, q: q, k: k, v: v, o: o, splits: splits, threads: threads, isa: isa)
    case .linear, .scan:
      preconditionFailure("not an attention kernel")
    }
  }
}

/// Seeded inputs of a selective scan: a decaying `A`, positive step sizes.
struct ScanInputs {
  let p: SelectiveScanProblem
  let x, delta, a, b, c, skip: [Float]

  init(_ p: SelectiveScanProblem, random: inout DeterministicRandom) {
    self.p = p
    x = random.values(p.sequenceElements)
    delta = random.values(p.sequenceElements).map { ($0 + 1) / 4 }
    a = random.values(p.channels * p.stateSize).map { -($0 + 1) / 2 - 0.01 }
    b = random.values(p.inputElements)
    c = random.values(p.inputElements)
    skip = random.values(p.channels)
  }

  func time(
    threads: Int, warmup: Int, repetitions: Int, minimumSeconds: Double,
    isa: InstructionSet, before: () -> Void
  ) -> Timing {
    var y = [Float](repeating: 0, count: p.sequenceElements)
    return x.withUnsafeBufferPointer { xb in
      delta.withUnsafeBufferPointer { db in
        a.withUnsafeBufferPointer { ab in
          b.withUnsafeBufferPointer { bb in
            c.withUnsafeBufferPointer { cb in
              skip.withUnsafeBufferPointer { sb in
                y.withUnsafeMutableBufferPointer { yb in
                  Timing(
                    Stopwatch.measure(
                      warmup: warmup, repetitions: repetitions,
                      minimumSeconds: minimumSeconds, before: before
                    ) {
                      SelectiveScanKernel.run(
                        p, x: xb, delta: db, a: ab, b: bb, c: cb, skip: sb,
                        y: yb, threads: threads, isa: isa)
                      BlackHole.consume(UnsafeBufferPointer(yb))
                    })
                }
              }
            }
          }
        }
      }
    }
  }
}

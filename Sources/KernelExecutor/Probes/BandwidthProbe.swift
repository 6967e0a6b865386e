/// Measures memory bandwidth at a working-set size: a read kernel (sum of
/// an array with four independent `SIMD8<Float>` accumulators) and the
/// STREAM triad `a = b + s·c` (two reads and one write per element).
public enum BandwidthProbe {
  /// Which kernel streams memory.
  public enum Kind: String, Sendable, CaseIterable {
    /// Reads every element once.
    case read
    /// `a[i] = b[i] + s·c[i]`: 12 bytes per element (2 reads, 1 write;
    /// write-allocate traffic not counted, as STREAM does).
    case triad
  }

  /// A working set of `bytes` for `kind`, owned by one thread.
  public final class Buffers: @unchecked Sendable {
    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    let c: UnsafeMutablePointer<Float>
    /// Elements per array.
    public let count: Int

    /// Allocates arrays totalling about `bytes` (one array for reads, three
    /// for the triad), rounded to whole vectors of 32 floats.
    public init(bytes: Int, kind: Kind) {
      let arrays = kind == .read ? 1 : 3
      count = max(32, bytes / 4 / arrays / 32 * 32)
      a = .allocate(capacity: count)
      b = .allocate(capacity: count)
      c = .allocate(capacity: count)
      for i in 0..<count {
        a[i] = 1
        b[i] = Float(i % 7)
        c[i] = 0.5
      }
    }

    deinit {
      a.deallocate()
      b.deallocate()
      c.deallocate()
    }
  }

  /// Bytes one pass of `kind` moves over `buffers`.
  public static func bytes(_ kind: Kind, _ buffers: Buffers) -> Double {
    Double(buffers.count) * (kind == .read ? 4 : 12)
  }

  /// Read bandwidth of `threads` threads at once, each reading its own
  /// buffer of `buffers` once.
  public static func measureRead(_ buffers: [Buffers]) -> Double {
    let shared = SharedBuffers(items: buffers)
    let seconds = Stopwatch.seconds {
      DispatchQueueRunner.onAll(buffers.count) { t in
        BlackHole.sink(run(.read, shared.items[t], passes: 1))
      }
    }
    return Double(buffers.count) * bytes(.read, buffers[0]) / seconds
  }

  /// Runs `passes` passes of `kind` over `buffers`.
  @inline(never)
  public static func run(_ kind: Kind, _ buffers: Buffers, passes: Int) -> Float
  {
    typealias V = SIMD8<Float>
    let n = buffers.count
    switch kind {
    case .read:
      var s0 = V()
      var s1 = V()
      var s2 = V()
      var s3 = V()
      let a = buffers.a
      for _ in 0..<passes {
        var i = 0
        while i < n {
          s0 += MicroGEMM.load(a + i)
          s1 += MicroGEMM.load(a + i + 8)
          s2 += MicroGEMM.load(a + i + 16)
          s3 += MicroGEMM.load(a + i + 24)
          i += 32
        }
      }
      return (s0 + s1 + s2 + s3).sum()
    case .triad:
      let s = V(repeating: 0.5)
      for _ in 0..<passes {
        var i = 0
        while i < n {
          MicroGEMM.store(
            MicroGEMM.load(buffers.b + i) + s * MicroGEMM.load(buffers.c + i),
            buffers.a + i)
          i += 8
        }
      }
      return buffers.a[n - 1]
    }
  }
}

/// The host's measured roofline.
public struct HostProbe: Sendable, Hashable {
  /// FMA FLOP/s of one thread, in the widest instruction set.
  public var fmaFLOPsPerSecondOneThread: Double
  /// FMA FLOP/s of all threads together, in the widest instruction set.
  public var fmaFLOPsPerSecondAllThreads: Double
  /// The FMA peaks of every instruction set this CPU runs, widest first.
  public var fmaPeaks: [FMAPeak]
  /// Threads used for the all-thread figures.
  public var threads: Int
  /// Bandwidth measurements.
  public var bandwidth: [Bandwidth]

  /// The FMA peak of one instruction set.
  public struct FMAPeak: Sendable, Hashable {
    /// The instruction set.
    public var isa: InstructionSet
    /// FLOP/s of one thread.
    public var oneThreadFLOPsPerSecond: Double
    /// FLOP/s of all threads together.
    public var allThreadsFLOPsPerSecond: Double
  }

  /// One bandwidth measurement.
  public struct Bandwidth: Sendable, Hashable {
    /// The memory level the working set targets (`L1`, `L2`, `L3`, `DRAM`).
    public var level: String
    /// Bytes per thread.
    public var workingSetBytes: Int
    /// Which kernel.
    public var kind: BandwidthProbe.Kind
    /// Bytes per second of one thread.
    public var oneThreadBytesPerSecond: Double
    /// Bytes per second of all threads, each on its own working set.
    public var allThreadsBytesPerSecond: Double
  }

  /// Measures the FMA peak of every instruction set this CPU runs and
  /// bandwidth at each `(level, bytes)` working set, taking the best of
  /// `repetitions` timed runs of about `targetSeconds`.
  public static func measure(
    threads: Int, levels: [(String, Int)], repetitions: Int = 5,
    targetSeconds: Double = 0.05
  ) -> HostProbe {
    let iterations = 4_000_000
    let peaks = InstructionSet.supported.map { isa in
      let flops = FMAProbe.flops(iterations: iterations, isa: isa)
      let one =
        flops
        / best(repetitions) {
          BlackHole.sink(FMAProbe.run(iterations: iterations, isa: isa))
        }
      let all =
        Double(threads) * flops
        / best(repetitions) {
          DispatchQueueRunner.onAll(threads) { _ in
            BlackHole.sink(FMAProbe.run(iterations: iterations, isa: isa))
          }
        }
      return FMAPeak(
        isa: isa, oneThreadFLOPsPerSecond: one, allThreadsFLOPsPerSecond: all)
    }
    var results: [Bandwidth] = []
    for (level, bytes) in levels {
      for kind in BandwidthProbe.Kind.allCases {
        let buffers = (0..<threads).map { _ in
          BandwidthProbe.Buffers(bytes: bytes, kind: kind)
        }
        let perPass = BandwidthProbe.bytes(kind, buffers[0])
        let passes = max(1, Int(targetSeconds * 20e9 / perPass))
        let single = best(repetitions) {
          BlackHole.sink(BandwidthProbe.run(kind, buffers[0], passes: passes))
        }
        let shared = SharedBuffers(items: buffers)
        let multi = best(repetitions) {
          DispatchQueueRunner.onAll(threads) { t in
            BlackHole.sink(
              BandwidthProbe.run(kind, shared.items[t], passes: passes))
          }
        }
        results.append(
          Bandwidth(
            level: level, workingSetBytes: bytes, kind: kind,
            oneThreadBytesPerSecond: perPass * Double(passes) / single,
            allThreadsBytesPerSecond: Double(threads) * perPass * Double(passes)
              / multi))
      }
    }
    return HostProbe(
      fmaFLOPsPerSecondOneThread: peaks.first?.oneThreadFLOPsPerSecond ?? 0,
      fmaFLOPsPerSecondAllThreads: peaks.first?.allThreadsFLOPsPerSecond ?? 0,
      fmaPeaks: peaks, threads: threads,
      bandwidth: results)
  }

  static func best(_ repetitions: Int, _ body: () -> Void) -> Double {
    Timing(Stopwatch.measure(warmup: 1, repetitions: repetitions, body))
      .minSeconds
  }
}

struct SharedBuffers: @unchecked Sendable {
  let items: [BandwidthProbe.Buffers]
}

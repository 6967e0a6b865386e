/// Times a body: warm-up runs, then repetitions, each with the monotonic
/// `ContinuousClock`.
public enum Stopwatch {
  /// Seconds of each timed repetition, after `warmup` untimed runs;
  /// `before`, untimed, runs ahead of every repetition (a probe of the
  /// machine's current peak, on machines whose speed drifts).
  ///
  /// At least `repetitions` are timed, and more while their total is under
  /// `minimumSeconds` (at most `maximumRepetitions`): a sub-millisecond
  /// kernel timed five times spans a few milliseconds, and one burst of a
  /// neighbour's work on a shared machine then moves its median; timed
  /// for a fifth of a second, the burst is a few samples of hundreds.
  public static func measure(
    warmup: Int, repetitions: Int, minimumSeconds: Double = 0,
    maximumRepetitions: Int = 10_000, before: () -> Void = {},
    _ body: () -> Void
  ) -> [Double] {
    precondition(warmup >= 0 && repetitions >= 1 && minimumSeconds >= 0)
    for _ in 0..<warmup { body() }
    var samples: [Double] = []
    var total = 0.0
    while samples.count < repetitions
      || (total < minimumSeconds
        && samples.count < max(repetitions, maximumRepetitions))
    {
      before()
      let s = seconds(body)
      samples.append(s)
      total += s
    }
    return samples
  }

  /// Seconds `body` takes once.
  public static func seconds(_ body: () -> Void) -> Double {
    let elapsed = ContinuousClock().measure(body)
    return Double(elapsed.components.seconds)
      + Double(elapsed.components.attoseconds) * 1e-18
  }
}

/// A timed run's summary.
public struct Timing: Sendable, Hashable, Codable {
  /// Median of the repetitions, seconds.
  public var medianSeconds: Double
  /// Fastest repetition, seconds.
  public var minSeconds: Double
  /// Repetitions timed.
  public var repetitions: Int

  /// Summarises `samples`.
  public init(_ samples: [Double]) {
    precondition(!samples.isEmpty)
    let sorted = samples.sorted()
    let mid = sorted.count / 2
    medianSeconds =
      sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    minSeconds = sorted[0]
    repetitions = samples.count
  }
}

/// Keeps a result alive so the optimizer cannot drop the work behind it.
public enum BlackHole {
  nonisolated(unsafe) static var sink: Float = 0

  /// Consumes `value`.
  @inline(never)
  public static func sink(_ value: Float) { Self.sink += value }

  /// Consumes one value of `values`.
  @inline(never)
  public static func consume(_ values: UnsafeBufferPointer<Float>) {
    if let first = values.first { sink += first }
  }
}

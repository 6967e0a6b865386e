import Foundation
import KernelExecutor
import Testing

@Suite("Stopwatch repetitions")
struct StopwatchTests {
  @Test("without a minimum time, exactly the repetitions asked for")
  func fixedCount() {
    var calls = 0
    let samples = Stopwatch.measure(warmup: 2, repetitions: 7) { calls += 1 }
    #expect(samples.count == 7)
    #expect(calls == 9)  // two warm-up calls, untimed
  }

  @Test("a minimum time beyond reach stops at the repetition cap")
  func capped() {
    // 50 empty calls take microseconds, far below 10 s: the cap decides.
    let samples = Stopwatch.measure(
      warmup: 0, repetitions: 3, minimumSeconds: 10, maximumRepetitions: 50
    ) {}
    #expect(samples.count == 50)
  }

  @Test("timing stops once the repetitions add up to the minimum time")
  func minimumTime() {
    // Each call sleeps at least 2 ms, so ten calls reach 20 ms: never more
    // than ten samples, and never fewer than the three asked for.
    let samples = Stopwatch.measure(
      warmup: 0, repetitions: 3, minimumSeconds: 0.02
    ) { Thread.sleep(forTimeInterval: 0.002) }
    #expect(samples.count >= 3 && samples.count <= 10)
    #expect(samples.reduce(0, +) >= 0.02 || samples.count == 3)
  }
}

import Foundation

/// Progress of a long run on standard error: a bar with the count and an
/// ETA on a terminal, a plain line every 10% otherwise, nothing when quiet.
final class Progress {
  let total: Int
  let label: String
  let quiet: Bool
  let terminal: Bool
  let start = ContinuousClock.now
  var done = 0
  var lastDecile = -1

  init(total: Int, label: String, quiet: Bool) {
    self.total = max(1, total)
    self.label = label
    self.quiet = quiet
    terminal = isatty(STDERR_FILENO) == 1
  }

  /// Marks one more item done, naming it.
  func step(_ item: String) {
    done += 1
    guard !quiet else { return }
    let elapsed = (ContinuousClock.now - start).seconds
    let eta = elapsed / Double(done) * Double(total - done)
    if terminal {
      let width = 24
      let filled = width * done / total
      let bar =
        String(repeating: "#", count: filled)
        + String(repeating: ".", count: width - filled)
      let line = String(
        format: "\r%@ [%@] %d/%d  ETA %.0f s  %@\u{1B}[K", label, bar, done,
        total, eta, item)
      FileHandle.standardError.write(Data(line.utf8))
      if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    } else {
      let decile = 10 * done / total
      guard decile != lastDecile else { return }
      lastDecile = decile
      let line = String(
        format: "%@: %d/%d done, %.0f s elapsed, ETA %.0f s\n", label, done,
        total, elapsed, eta)
      FileHandle.standardError.write(Data(line.utf8))
    }
  }
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}

/// Progress over a bench's timed repetitions: ticked before each one, so a
/// repetition counts as done when the next begins or the run finishes.
final class BenchProgress {
  let progress: Progress
  var started = 0

  init(repetitions: Int, quiet: Bool) {
    progress = Progress(total: repetitions, label: "bench", quiet: quiet)
  }

  /// Runs ahead of each timed repetition.
  func tick() {
    if started > 0 { progress.step("repetition \(started)") }
    started += 1
  }

  /// Marks the last repetition done.
  func finish() {
    if started > 0 { progress.step("repetition \(started)") }
    started = 0
  }
}

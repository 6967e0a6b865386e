import Dispatch

/// Runs a body once on each of `threads` threads at the same time.
enum DispatchQueueRunner {
  static func onAll(_ threads: Int, _ body: @Sendable (Int) -> Void) {
    if threads == 1 {
      body(0)
      return
    }
    DispatchQueue.concurrentPerform(iterations: threads, execute: body)
  }
}

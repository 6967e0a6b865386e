import Dispatch

/// Runs work items on a fixed number of threads.
enum Parallel {
  /// Calls `body(worker, item)` for every item, worker `w` taking items
  /// `w, w + threads, …` (interleaved, so causal row blocks of unequal cost
  /// spread evenly); one thread runs inline.
  static func run(
    threads: Int, items: Int, _ body: @Sendable (Int, Int) -> Void
  ) {
    let workers = max(1, min(threads, items))
    if workers == 1 {
      for item in 0..<items { body(0, item) }
      return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      var item = worker
      while item < items {
        body(worker, item)
        item += workers
      }
    }
  }
}

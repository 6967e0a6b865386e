import Dispatch
import Synchronization

/// Runs work items on a fixed number of threads.
enum Parallel {
  /// Calls `body(worker, item)` once for every item in `0..<items`.
  ///
  /// Workers claim the next unclaimed item from a shared counter, so a
  /// worker that finishes early takes more (dynamic scheduling: with a
  /// fixed interleave, 11 row blocks on 2 threads left one thread idle for
  /// a block in twelve). Callers order costly items first. One thread runs
  /// the items in order, inline.
  static func run(
    threads: Int, items: Int, _ body: @Sendable (Int, Int) -> Void
  ) {
    let workers = max(1, min(threads, items))
    if workers == 1 {
      for item in 0..<items { body(0, item) }
      return
    }
    let counter = ItemCounter()
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      while true {
        let item = counter.next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard item < items else { return }
        body(worker, item)
      }
    }
  }
}

/// The next item to claim, shared by the workers of one run.
private final class ItemCounter: Sendable {
  let next = Atomic<Int>(0)
}

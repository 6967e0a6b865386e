/// A fully associative LRU cache of single elements between the SRAM and
/// slow memory, for loads only (stores go around it): the simulated L2 of
/// ``SimulatedMemory``.
///
/// An element hits when fewer than `capacity` other distinct elements were
/// loaded since its last load (its LRU stack distance), counted with a
/// Fenwick tree over load times that marks each element's latest load:
///
///     distinct(t, now) = Σ marks in (t, now)      hit ⇔ distinct < capacity
///
/// - Complexity: O(log T) per element for `T` loads so far.
final class LRUReadCache {
  /// Capacity in elements.
  let capacity: Int
  /// Each element's latest load time (1-based).
  private var last: [Key: Int] = [:]
  /// Fenwick tree over load times of the marks.
  private var tree: [Int32]
  /// The marks themselves, for growing the tree.
  private var marks: [Int8]
  private var time = 0

  /// An element: the array it lives in (its storage's address) and its
  /// index.
  struct Key: Hashable {
    var base: UInt
    var index: Int
  }

  init(capacity: Int) {
    precondition(capacity >= 0)
    self.capacity = capacity
    tree = Array(repeating: 0, count: 1025)
    marks = Array(repeating: 0, count: 1025)
  }

  /// Loads `key`; whether it hit.
  func load(_ key: Key) -> Bool {
    time += 1
    if time >= tree.count { grow() }
    var hit = false
    if let previous = last[key] {
      let distinct = prefix(time - 1) - prefix(previous)
      hit = distinct < capacity
      add(previous, -1)
    }
    add(time, 1)
    last[key] = time
    return hit
  }

  private func add(_ at: Int, _ delta: Int8) {
    marks[at] += delta
    var i = at
    while i < tree.count {
      tree[i] += Int32(delta)
      i += i & -i
    }
  }

  private func prefix(_ at: Int) -> Int {
    var sum = 0
    var i = at
    while i > 0 {
      sum += Int(tree[i])
      i -= i & -i
    }
    return sum
  }

  /// Doubles the tree and rebuilds it from the marks.
  private func grow() {
    let size = tree.count * 2
    marks += Array(repeating: 0, count: size - marks.count)
    tree = Array(repeating: 0, count: size)
    for i in 1..<size where marks[i] != 0 {
      var j = i
      while j < size {
        tree[j] += Int32(marks[i])
        j += j & -j
      }
    }
  }
}

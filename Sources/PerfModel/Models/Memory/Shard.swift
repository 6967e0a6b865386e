/// Splitting a count of heads (or channels, or groups) over `tp` ranks.
///
/// A count that `tp` divides is split evenly. A count that divides `tp` is
/// *replicated*: each rank holds one item, as vLLM and Megatron do for KV
/// heads under MQA and narrow GQA. Anything else cannot be sharded.
enum Shard {
  /// Per-rank share of `count` items over `tp` ranks, or `nil` when neither
  /// divides the other.
  static func perRank(_ count: Int, _ tp: Int) -> Int? {
    if count % tp == 0 { return count / tp }
    if tp % count == 0 { return 1 }
    return nil
  }

  /// Per-rank share when the count must split evenly (query heads, MLP
  /// width), or `nil` when `tp` does not divide it.
  static func evenly(_ count: Int, _ tp: Int) -> Int? {
    count % tp == 0 ? count / tp : nil
  }

  /// The divisors of `n`, for error messages that list valid degrees.
  static func divisors(_ n: Int) -> [Int] {
    (1...max(n, 1)).filter { n % $0 == 0 }
  }

  /// Throws unless `tp` ranks split `count` items (`what` of `model`)
  /// evenly, naming the degrees that would.
  static func requireEven(
    _ count: Int, _ tp: Int, _ what: String, model: String
  ) throws(PlanError) {
    guard evenly(count, tp) != nil else {
      throw PlanError(
        .tensorParallel,
        "tensor-parallel degree \(tp) does not divide the \(count) \(what) of \(model); use one of \(divisors(count).map(String.init).joined(separator: ", "))"
      )
    }
  }
}

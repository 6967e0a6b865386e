/// Refusing misspelt fields, so that a typo is an error and not a silent
/// default.
extension YAMLNodeReader {
  /// Throws for the first key not in `allowed`, suggesting the closest.
  func rejectUnknownKeys(_ allowed: [String]) throws(DescriptorError) {
    for key in keys where !allowed.contains(key) {
      let hint =
        NameSuggestion.closest(to: key, in: allowed).map {
          "did you mean `\($0)`? "
        } ?? ""
      throw error(
        .type, key,
        "unknown field; \(hint)allowed here: \(allowed.joined(separator: ", "))",
        at: node[key])
    }
  }
}

/// The closest name to a misspelt one, by edit distance.
public enum NameSuggestion {
  /// The candidates that extend `name` (`h100` → `h100-pcie or h100-sxm`),
  /// else the one nearest by Levenshtein distance (case-insensitive), or
  /// `nil` when none is within half the name's length (at least 3).
  public static func closest(to name: String, in candidates: [String])
    -> String?
  {
    let lowered = name.lowercased()
    let extending = candidates.filter { $0.lowercased().hasPrefix(lowered) }
    if !extending.isEmpty, !lowered.isEmpty {
      return extending.prefix(3).joined(separator: "' or '")
    }
    let target = Array(lowered)
    var best: String?
    var bestDistance = Int.max
    for candidate in candidates {
      let d = distance(target, Array(candidate.lowercased()))
      if d < bestDistance { (best, bestDistance) = (candidate, d) }
    }
    guard bestDistance <= max(3, target.count / 2) else { return nil }
    return best
  }

  static func distance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
      var current = [i + 1] + Array(repeating: 0, count: b.count)
      for (j, cb) in b.enumerated() {
        current[j + 1] = min(
          previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}

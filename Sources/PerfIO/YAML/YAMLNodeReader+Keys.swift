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

extension YAMLNodeReader {
  /// Throws for a misspelt key: one nothing looked up, within two edits of
  /// a key that was looked up and is absent.
  ///
  /// Such a typo (`num_key_value_head`) would leave the real field at its
  /// default (MHA instead of GQA). Files with extra fields of their own
  /// (every `config.json` has some) pass.
  func refuseMisspellings() throws(DescriptorError) {
    let wanted = asked.keys
    let absent = wanted.filter { node[$0] == nil }.sorted()
    for key in keys where !wanted.contains(key) {
      let lowered = Array(key.lowercased())
      guard
        let close = absent.first(where: {
          NameSuggestion.distance(lowered, Array($0.lowercased())) <= 2
        })
      else { continue }
      throw error(
        .type, key,
        "unknown field; did you mean `\(close)`? As written, \(close) takes its default",
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

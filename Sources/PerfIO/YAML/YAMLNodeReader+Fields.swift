import Foundation
import Yams

/// Typed field access with the checks every descriptor needs.
extension YAMLNodeReader {
  /// How a number must lie.
  enum NumberRule {
    /// Finite and greater than zero (capacities, bandwidths, peaks).
    case positive
    /// Finite and zero or more.
    case nonNegative
    /// Finite.
    case any
  }

  func optionalDouble(
    _ key: String, unit: String, _ rule: NumberRule = .positive
  ) throws(DescriptorError) -> Double? {
    guard let found = value(key) else { return nil }
    let expected = "expected \(unit) (\(ruleText(rule)) number)"
    guard case .scalar(let s) = found, s.style == .plain,
      let number = Self.number(s.string)
    else {
      throw error(
        .type, key, "\(expected), found \(describe(found))", at: found)
    }
    guard number.isFinite else {
      throw error(.range, key, "\(expected), found \(s.string)", at: found)
    }
    switch rule {
    case .positive where number <= 0, .nonNegative where number < 0:
      throw error(.range, key, "\(expected), found \(s.string)", at: found)
    default: break
    }
    if let range = Self.physicalRange(path(key)), number != 0,
      !range.contains(number)
    {
      throw error(
        .range, key,
        "\(s.string) is outside what any machine has (\(range.lowerBound) to \(range.upperBound) \(unit)); check its exponent",
        at: found)
    }
    return number
  }

  /// The range a hardware quantity can physically take, by the field's
  /// path: far beyond every machine built, and narrow enough that
  /// capacities, rates and their products stay finite in the models (a
  /// 1e300-byte memory or a 1e-300 B/s bandwidth made NaN counts).
  static func physicalRange(_ fieldPath: String) -> ClosedRange<Double>? {
    let key = fieldPath.split(separator: ".").last.map(String.init) ?? ""
    if fieldPath.contains("flops_per_second")
      || key == "special_functions_per_second"
    {
      return 1e3...1e21
    }
    if key.hasPrefix("bandwidth_bytes_per_second") { return 1...1e18 }
    if key == "capacity_bytes" { return 1...1e21 }
    if key == "clock_hz" { return 1e3...1e12 }
    if key == "latency_seconds" { return 1e-12...1e3 }
    return nil
  }

  func double(_ key: String, unit: String, _ rule: NumberRule = .positive)
    throws(DescriptorError) -> Double
  {
    guard let number = try optionalDouble(key, unit: unit, rule) else {
      throw missing(key, "\(unit) (\(ruleText(rule)) number)")
    }
    return number
  }

  /// The largest count each field may hold.
  ///
  /// Beyond it a model's sizes would overflow the arithmetic that
  /// multiplies them (hidden × intermediate × experts × layers stays under
  /// 2⁶⁰), or its layers would not fit in memory. Position limits and
  /// windows may be large; any other count is at most
  /// ``defaultCountLimit``.
  static let countLimits: [String: Int] = [
    "num_hidden_layers": 4096, "n_layer": 4096,
    "num_local_experts": 4096, "num_experts": 4096, "n_routed_experts": 4096,
    "max_position_embeddings": 1 << 40, "n_positions": 1 << 40,
    "sliding_window": 1 << 40, "model_max_length": 1 << 40,
    "vocab_size": 1 << 22,
    "prompt_tokens": 1 << 26, "output_tokens": 1 << 26,
    "context_tokens": 1 << 26, "batch": 1 << 20,
  ]
  /// The largest value of a count not in ``countLimits`` (hidden sizes,
  /// heads, state sizes): 262144, ten times today's widest models.
  static let defaultCountLimit = 1 << 18

  func optionalInt(_ key: String, _ rule: NumberRule = .positive)
    throws(DescriptorError)
    -> Int?
  {
    guard let found = value(key) else { return nil }
    guard let number = try optionalDouble(key, unit: "a count", rule) else {
      return nil
    }
    guard number == number.rounded(), abs(number) < 1e15 else {
      throw error(
        .type, key, "expected a whole number, found \(describe(found))",
        at: found)
    }
    let limit = Self.countLimits[key] ?? Self.defaultCountLimit
    guard abs(number) <= Double(limit) else {
      throw error(
        .range, key,
        "\(Int(number)) is beyond what the models compute; at most \(limit)",
        at: found)
    }
    return Int(number)
  }

  func int(_ key: String, _ rule: NumberRule = .positive)
    throws(DescriptorError) -> Int
  {
    guard let number = try optionalInt(key, rule) else {
      throw missing(key, "a whole number")
    }
    return number
  }

  func optionalString(_ key: String) throws(DescriptorError) -> String? {
    guard let found = value(key) else { return nil }
    guard case .scalar(let s) = found else {
      throw error(
        .type, key, "expected text, found \(describe(found))", at: found)
    }
    return s.string
  }

  func string(_ key: String) throws(DescriptorError) -> String {
    guard let text = try optionalString(key), !text.isEmpty else {
      throw missing(key, "text")
    }
    return text
  }

  func optionalBool(_ key: String) throws(DescriptorError) -> Bool? {
    guard let found = value(key) else { return nil }
    guard case .scalar(let s) = found, s.style == .plain else {
      throw error(
        .type, key, "expected true or false, found \(describe(found))",
        at: found)
    }
    switch s.string.lowercased() {
    case "true", "yes": return true
    case "false", "no": return false
    default:
      throw error(
        .type, key, "expected true or false, found \(s.string)", at: found)
    }
  }

  func optionalChild(_ key: String) throws(DescriptorError) -> YAMLNodeReader? {
    guard let found = value(key) else { return nil }
    guard case .mapping = found else {
      throw error(
        .type, key, "expected a mapping of fields, found \(describe(found))",
        at: found)
    }
    return YAMLNodeReader(path: path, node: found, fieldPath: path(key))
  }

  func child(_ key: String) throws(DescriptorError) -> YAMLNodeReader {
    guard let reader = try optionalChild(key) else {
      throw missing(key, "a mapping of fields")
    }
    return reader
  }

  func optionalList(_ key: String) throws(DescriptorError) -> [Node]? {
    guard let found = value(key) else { return nil }
    guard case .sequence(let items) = found else {
      throw error(
        .type, key, "expected a list, found \(describe(found))", at: found)
    }
    return Array(items)
  }

  /// The text items of the list at `key` (`layer_types`).
  func optionalStrings(_ key: String) throws(DescriptorError) -> [String]? {
    guard let items = try optionalList(key) else { return nil }
    var out: [String] = []
    for (index, item) in items.enumerated() {
      guard case .scalar(let s) = item else {
        throw error(
          .type, "\(key)[\(index)]", "expected text, found \(describe(item))",
          at: item)
      }
      out.append(s.string)
    }
    return out
  }

  /// The whole-number items (≥ 0) of the list at `key` (`mlp_only_layers`).
  func optionalInts(_ key: String) throws(DescriptorError) -> [Int]? {
    guard let items = try optionalList(key) else { return nil }
    var out: [Int] = []
    for (index, item) in items.enumerated() {
      guard case .scalar(let s) = item, let n = Int(s.string), n >= 0,
        n < 1 << 20
      else {
        throw error(
          .type, "\(key)[\(index)]",
          "expected a whole number from 0, found \(describe(item))", at: item)
      }
      out.append(n)
    }
    return out
  }

  /// The mapping items of the list at `key`, each as a reader.
  func children(_ key: String) throws(DescriptorError) -> [YAMLNodeReader] {
    guard let items = try optionalList(key) else {
      throw missing(key, "a list")
    }
    var readers: [YAMLNodeReader] = []
    for (index, item) in items.enumerated() {
      guard case .mapping = item else {
        throw error(
          .type, "\(key)[\(index)]",
          "expected a mapping of fields, found \(describe(item))",
          at: item)
      }
      readers.append(
        YAMLNodeReader(
          path: path, node: item, fieldPath: path("\(key)[\(index)]")))
    }
    return readers
  }

  func missing(_ key: String, _ expected: String) -> DescriptorError {
    DescriptorError(
      .missing, path: path, line: node.mark?.line, field: path(key),
      message: "required field is missing; add `\(key):` with \(expected)")
  }

  private func ruleText(_ rule: NumberRule) -> String {
    switch rule {
    case .positive: "a positive, finite"
    case .nonNegative: "a non-negative, finite"
    case .any: "a finite"
    }
  }

  /// Parses a plain scalar as a number: decimal, exponent (`80e9`, which
  /// YAML 1.1 would read as text), `_` separators, and `.inf`/`.nan` so
  /// that they can be refused with a range error rather than a type error.
  static func number(_ text: String) -> Double? {
    let cleaned = text.replacingOccurrences(of: "_", with: "")
    switch cleaned.lowercased() {
    case ".inf", "+.inf", "inf", "infinity": return .infinity
    case "-.inf", "-inf", "-infinity": return -.infinity
    case ".nan", "nan": return .nan
    default: return Double(cleaned)
    }
  }
}

extension YAMLNodeReader {
  /// This mapping with `defaults` added where its own keys are absent (a
  /// wrapper's `text_config`, which lists only what differs from its
  /// configuration class's defaults); the file's own keys keep their
  /// lines for messages.
  func withDefaults(_ defaults: [(String, String)]) -> YAMLNodeReader {
    guard case .mapping(let m) = node else { return self }
    var pairs = m.map { ($0.key, $0.value) }
    for (key, value) in defaults where !has(key) {
      pairs.append(
        (Node(key), .scalar(Node.Scalar(value, .implicit, .plain))))
    }
    return YAMLNodeReader(
      path: path,
      node: .mapping(Node.Mapping(pairs, m.tag, m.style, m.mark)),
      fieldPath: fieldPath)
  }
}

/// Bad input in a descriptor, config or data file: names the file, the
/// line and the field, and says how to fix it.
///
///     hardware/h100-sxm.yaml:14: memory.levels[2].bandwidth_bytes_per_second:
///     expected bytes/s (a positive number), found "fast"
public struct DescriptorError: Error, Sendable, Hashable,
  CustomStringConvertible
{
  /// What kind of problem it is.
  public enum Code: String, Sendable, Hashable {
    /// The file could not be read.
    case unreadable
    /// The text is not valid YAML or JSON.
    case syntax
    /// A field has the wrong type.
    case type
    /// A required field is absent.
    case missing
    /// A number is zero, negative, NaN or infinite where that is meaningless.
    case range
    /// The file describes something this toolkit does not model.
    case unsupported
    /// A name that is in no catalogue.
    case unknownName
    /// The file's name does not match its `name:` field.
    case nameMismatch
  }

  /// What kind of problem it is.
  public var code: Code
  /// The file at fault.
  public var path: String
  /// The 1-based line, when known.
  public var line: Int?
  /// The dotted field path (`compute.matrix_flops_per_second.bf16`).
  public var field: String?
  /// What is wrong and how to fix it.
  public var message: String

  /// Creates a descriptor error.
  public init(
    _ code: Code, path: String, line: Int? = nil, field: String? = nil,
    message: String
  ) {
    self.code = code
    self.path = path
    self.line = line
    self.field = field
    self.message = message
  }

  public var description: String {
    var head = path
    if let line { head += ":\(line)" }
    if let field, !field.isEmpty { head += head.isEmpty ? field : ": \(field)" }
    return head.isEmpty ? message : "\(head): \(message)"
  }
}

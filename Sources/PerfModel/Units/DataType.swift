/// A number format a device computes in or a tensor is stored in.
///
/// Storage size per element, with the quantization overhead this toolkit
/// assumes for each format (see ``StorageFormat``):
///
///     fp64 8 · fp32 4 · tf32 4 (stored as fp32) · bf16, fp16 2 · fp8, int8 1 · int4 0.5
public enum DataType: String, Sendable, Hashable, Codable, CaseIterable,
  Comparable
{
  case fp64, fp32, tf32, bf16, fp16, fp8, int8, int4

  /// Bytes one element occupies in memory, before any scale overhead.
  public var bytesPerElement: Double {
    switch self {
    case .fp64: 8
    case .fp32, .tf32: 4
    case .bf16, .fp16: 2
    case .fp8, .int8: 1
    case .int4: 0.5
    }
  }

  /// Orders formats from widest to narrowest, so tables list them stably.
  public static func < (lhs: DataType, rhs: DataType) -> Bool {
    lhs.rank < rhs.rank
  }

  private var rank: Int { DataType.allCases.firstIndex(of: self) ?? 0 }

  /// Parses the spellings used by Hugging Face `torch_dtype` as well as our
  /// own (`bfloat16`, `float16`, `half`, `float32`, `float8_e4m3fn`, …).
  ///
  /// - Returns: `nil` when the spelling names no known format.
  public init?(spelling: String) {
    let s = spelling.lowercased()
    if let exact = DataType(rawValue: s) {
      self = exact
      return
    }
    switch s {
    case "float64", "double": self = .fp64
    case "float32", "float": self = .fp32
    case "bfloat16": self = .bf16
    case "float16", "half": self = .fp16
    case "float8", "float8_e4m3fn", "float8_e5m2", "fp8_e4m3", "fp8_e5m2":
      self = .fp8
    default: return nil
    }
  }
}

extension DataType: CodingKeyRepresentable {}

/// A number format a device computes in or a tensor is stored in.
///
/// Storage size per element, with the quantization overhead this toolkit
/// assumes for each format (see ``StorageFormat``):
///
///     fp64 8 · fp32 4 · tf32 4 (stored as fp32) · bf16, fp16 2 · fp8, int8 1
///     fp6 0.75 · fp4, int4 0.5 · int2 0.25
///
/// fp6 and fp4 are the microscaled formats Blackwell's tensor cores
/// compute in (MXFP6, NVFP4); int2 is a KV-cache format only (KIVI-2).
public enum DataType: String, Sendable, Hashable, Codable, CaseIterable,
  Comparable
{
  case fp64, fp32, tf32, bf16, fp16, fp8, int8, fp6, fp4, int4, int2

  /// Bytes one element occupies in memory, before any scale overhead.
  public var bytesPerElement: Double {
    switch self {
    case .fp64: 8
    case .fp32, .tf32: 4
    case .bf16, .fp16: 2
    case .fp8, .int8: 1
    case .fp6: 0.75
    case .fp4, .int4: 0.5
    case .int2: 0.25
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
    case "mxfp6", "fp6_e2m3", "fp6_e3m2": self = .fp6
    case "nvfp4", "float4_e2m1fn_x2", "fp4_e2m1": self = .fp4
    default: return nil
    }
  }
}

extension DataType: CodingKeyRepresentable {}

extension DataType {
  /// The type activations are kept in when this is the activation type:
  /// itself, or bf16 for an 8-bit or narrower type, which quantizes only
  /// the inputs of matrix products (W8A8 fp8, W4A4 fp4 serving keep the
  /// residual stream, attention, norms and elementwise kernels in bf16).
  public var residualType: DataType { bytesPerElement < 2 ? .bf16 : self }
}

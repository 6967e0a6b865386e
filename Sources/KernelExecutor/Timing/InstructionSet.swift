import CHostKernels

/// The vector instruction set a host kernel runs its inner loops in.
///
/// The kernels exist in two widths: eight lanes, written as Swift SIMD
/// (AVX2 and FMA on x86-64, where this module is built for `haswell`; NEON
/// on arm64), and sixteen lanes, AVX-512 intrinsics in the `CHostKernels`
/// C target under per-function target attributes. Which one runs is chosen
/// at run time from the CPU's features, so one binary runs on both; every
/// kernel takes an `isa` to force one (``supported`` lists what may be).
public enum InstructionSet: String, Sendable, Hashable, CaseIterable {
  /// AVX-512 F/BW/VL/DQ: sixteen fp32 lanes, 32 vector registers.
  case avx512
  /// AVX2 with FMA: eight fp32 lanes, 16 vector registers.
  case avx2
  /// Arm NEON (Advanced SIMD), through Swift's SIMD types.
  case neon
  /// Whatever Swift's SIMD types lower to on another architecture.
  case portable

  /// The sets this CPU and OS can run, widest first.
  public static let supported: [InstructionSet] = {
    #if arch(x86_64)
    let mask = roofline_cpu_isas()
    var sets: [InstructionSet] = []
    if mask & ROOFLINE_ISA_AVX512 != 0 { sets.append(.avx512) }
    // The eight-lane path is compiled for haswell: it needs AVX2 and FMA.
    if mask & ROOFLINE_ISA_AVX2 != 0 { sets.append(.avx2) }
    return sets
    #elseif arch(arm64)
    return [.neon]
    #else
    return [.portable]
    #endif
  }()

  /// The widest set this CPU runs: what kernels use unless told otherwise.
  public static var widest: InstructionSet { supported.first ?? .avx2 }

  /// fp32 lanes per vector.
  public var lanes: Int { self == .avx512 ? 16 : 8 }

  /// Whether the sixteen-lane (C) micro-kernels run.
  var isWide: Bool {
    #if arch(x86_64)
    return self == .avx512
    #else
    return false
    #endif
  }

  /// A human name, as `bench` and `probe` print it.
  public var displayName: String {
    switch self {
    case .avx512: "AVX-512 (16 lanes)"
    case .avx2: "AVX2+FMA (8 lanes)"
    case .neon: "NEON (Swift SIMD8)"
    case .portable: "portable (Swift SIMD8)"
    }
  }
}

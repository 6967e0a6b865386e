/// How the kernels were compiled, for every measurement row.
public enum KernelBuild {
  /// The code the kernels run by default: the widest instruction set this
  /// CPU runs (``isa(_:)``).
  public static var isa: String { isa(.widest) }

  /// The code that runs for `set`: the Swift SIMD path (built for haswell
  /// on x86-64) or the AVX-512 intrinsics.
  public static func isa(_ set: InstructionSet) -> String {
    switch set {
    case .avx512: "x86_64 AVX-512 F/BW/VL/DQ (C intrinsics, -O2)"
    case .avx2: "x86_64 haswell (AVX2, FMA), -O"
    case .neon: "arm64 (NEON), -O"
    case .portable: "generic, -O"
    }
  }
}

/// A base pointer shared by worker threads that write disjoint ranges.
///
/// Each item of ``Parallel/run(threads:items:_:)`` runs on one worker;
/// kernels map each item to its own output rows, so no two threads write
/// the same element.
struct SharedOutput: @unchecked Sendable {
  let base: UnsafeMutablePointer<Float>
}

/// Inputs shared read-only by worker threads.
struct SharedInput: @unchecked Sendable {
  let base: UnsafePointer<Float>
}

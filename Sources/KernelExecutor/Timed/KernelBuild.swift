/// How the kernels were compiled, for every measurement row.
public enum KernelBuild {
  /// The instruction set the kernels target.
  public static var isa: String {
    #if arch(x86_64)
    return "x86_64 haswell (AVX2, FMA), -O"
    #elseif arch(arm64)
    return "arm64 (NEON), -O"
    #else
    return "generic, -O"
    #endif
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

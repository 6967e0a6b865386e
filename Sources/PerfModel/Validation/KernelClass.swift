/// A calibration class, typed: the kernel class, the implementation, the
/// host threads and the launch mode that a fitted entry is keyed by.
///
/// Its ``name`` is the key a calibrated descriptor stores
/// (`gemm/cublas`, `decode-attention/2t`, `elementwise/copy/eager`). A
/// prediction looks its kernels up by class (``KernelCalibration/entry(for:)``)
/// and says which it found no entry for; nothing matches by prefix.
public struct KernelClass: Sendable, Hashable, Codable, CustomStringConvertible
{
  /// The kernel class.
  public var kind: KernelWorkload.Kind
  /// The implementation (`cublas`, `flash`, `copy`), when named.
  public var backend: String?
  /// Host threads of a host kernel; `nil` for a whole accelerator.
  public var threads: Int?
  /// Eager launches are a class of their own; `nil` and `.graph` are one.
  public var launchMode: KernelWorkload.LaunchMode?

  /// Creates a class.
  public init(
    _ kind: KernelWorkload.Kind, backend: String? = nil, threads: Int? = nil,
    launchMode: KernelWorkload.LaunchMode? = nil
  ) {
    self.kind = kind
    self.backend = backend.flatMap { $0.isEmpty ? nil : $0 }
    self.threads = threads
    self.launchMode = launchMode == .graph ? nil : launchMode
  }

  /// The stored key: `kind[/backend][/Nt][/eager]`.
  public var name: String {
    var name = kind.rawValue
    if let backend { name += "/\(backend)" }
    if let threads { name += "/\(threads)t" }
    if launchMode == .eager { name += "/eager" }
    return name
  }

  /// The ``name``.
  public var description: String { name }
}

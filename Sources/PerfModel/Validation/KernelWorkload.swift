/// One kernel invocation to predict: what it computes, at which shape, in
/// which data type, on how many threads, and with which tiling.
///
/// The validation counterpart of an ``Operator``: the unit that a timed
/// kernel (on the host, or a CUDA kernel measured elsewhere) and a
/// prediction share.
public struct KernelWorkload: Sendable, Hashable, Codable {
  /// The kernel classes that are timed and predicted.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    /// `C = A·Bᵀ`, `m × k` by `n × k`.
    case gemm
    /// Tiled attention with online softmax (FlashAttention-2).
    case flashAttention = "flash-attention"
    /// Attention that writes S and P to slow memory.
    case standardAttention = "standard-attention"
    /// One query token per sequence against a KV cache, split-KV.
    case decodeAttention = "decode-attention"
    /// Chunked causal linear attention.
    case linearAttention = "linear-attention"
    /// Mamba's selective scan.
    case selectiveScan = "selective-scan"
    /// A kernel that streams its operands once and computes little: a
    /// copy, a norm, an activation, a residual add, RoPE, a cache write.
    case elementwise
  }

  /// How a kernel was (or will be) launched: captured in a CUDA graph and
  /// replayed, or issued one by one from the host, each paying the host's
  /// cost of a launch.
  public enum LaunchMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Replayed from a captured graph: no host cost per kernel.
    case graph
    /// Issued from the host (eager PyTorch): each launch costs host time.
    case eager
  }

  /// What is computed, with its shape.
  public enum Shape: Sendable, Hashable, Codable {
    /// `m × n × k` matrix product.
    case gemm(m: Int, n: Int, k: Int)
    /// Mixture-of-experts products: `m` rows in all, split among `groups`
    /// weight matrices of `n × k` (the experts touched), each read once.
    case groupedGemm(m: Int, n: Int, k: Int, groups: Int)
    /// Attention of any kind; decode has `queryLength` 1.
    case attention(AttentionShape)
    /// Linear attention over `tokens` with `chunk`-token chunks.
    case linearAttention(
      batch: Int, heads: Int, tokens: Int, keyDim: Int, valueDim: Int,
      chunk: Int)
    /// Selective scan of `length` steps, `channels` channels, state `state`.
    case selectiveScan(batch: Int, length: Int, channels: Int, state: Int)
    /// `reads` tensors of `elements` read once and `writes` written once.
    case stream(elements: Int, reads: Int, writes: Int)
  }

  /// The kernel class.
  public var kind: Kind
  /// The shape (its element size is ``dataType``'s).
  public var shape: Shape
  /// The data type of inputs, outputs and arithmetic.
  public var dataType: DataType
  /// Threads of a host kernel; `nil` for a whole accelerator.
  public var threads: Int?
  /// The tiling a tiled kernel ran with; `nil` lets the model choose the
  /// tiling with the least traffic for the device's SRAM.
  public var tiling: AttentionTiling?
  /// KV splits of a decode kernel; `nil` lets the model fill the device.
  public var splits: Int?
  /// Whether the inputs stay cached between repetitions (a host benchmark
  /// re-running on one buffer), so that slow memory is the smallest level
  /// that holds them rather than main memory.
  public var residentInputs: Bool
  /// The implementation measured (`cudnn`, `flash`, …), when several of
  /// one kernel class are compared; each is calibrated apart.
  public var backend: String?
  /// How it was launched; `nil` (a host kernel, or a CSV that does not
  /// say) is calibrated with graph launches.
  public var launchMode: LaunchMode?

  /// Creates a workload.
  public init(
    kind: Kind, shape: Shape, dataType: DataType, threads: Int? = nil,
    tiling: AttentionTiling? = nil, splits: Int? = nil,
    residentInputs: Bool = false, backend: String? = nil,
    launchMode: LaunchMode? = nil
  ) {
    self.backend = backend
    self.launchMode = launchMode
    self.kind = kind
    self.shape = shape
    self.dataType = dataType
    self.threads = threads
    self.tiling = tiling
    self.splits = splits
    self.residentInputs = residentInputs
  }

  /// The calibration class: the kernel class, with the implementation
  /// when named, the thread count for host kernels (one core and all
  /// cores reach different fractions of the bandwidth they share), and
  /// eager launches apart from graph ones: `flash-attention/cudnn`,
  /// `decode-attention/2t`, `gemm/cublas/eager`.
  public var calibrationClass: String { kernelClass.name }

  /// The typed calibration class (``KernelClass``).
  public var kernelClass: KernelClass {
    KernelClass(
      kind, backend: backend, threads: threads, launchMode: launchMode)
  }

  /// A canonical text of the shape, for storage and for matching runs.
  public var shapeKey: String {
    var parts: [String]
    switch shape {
    case .gemm(let m, let n, let k): parts = ["m=\(m)", "n=\(n)", "k=\(k)"]
    case .groupedGemm(let m, let n, let k, let g):
      parts = ["m=\(m)", "n=\(n)", "k=\(k)", "groups=\(g)"]
    case .attention(let a):
      parts = [
        "batch=\(a.batch)", "heads=\(a.heads)", "kv_heads=\(a.kvHeads)",
        "nq=\(a.queryLength)", "nk=\(a.keyLength)", "d=\(a.headDim)",
        "causal=\(a.causal)",
      ]
    case .linearAttention(let b, let h, let n, let dk, let dv, let c):
      parts = [
        "batch=\(b)", "heads=\(h)", "n=\(n)", "dk=\(dk)", "dv=\(dv)",
        "chunk=\(c)",
      ]
    case .selectiveScan(let b, let l, let d, let s):
      parts = ["batch=\(b)", "length=\(l)", "channels=\(d)", "state=\(s)"]
    case .stream(let n, let r, let w):
      parts = ["elements=\(n)", "reads=\(r)", "writes=\(w)"]
    }
    parts.append("dtype=\(dataType.rawValue)")
    if let tiling {
      parts.append("tile=\(tiling.rowBlock)x\(tiling.columnBlock)")
    }
    if let splits { parts.append("splits=\(splits)") }
    return parts.joined(separator: " ")
  }
}

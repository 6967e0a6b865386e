/// A Megatron-style tensor-parallel transformer layer, as the collectives
/// harness times it.
///
/// Per rank: the column-parallel QKV and gate/up GEMMs,
/// the row-parallel output and down GEMMs, and the two all-reduces of the
/// row-parallel outputs (Shoeybi et al. 2019). Attention's core, norms and
/// activations are left out on both sides.
public struct TensorParallelLayer: Sendable, Hashable {
  /// Tokens in flight (prompt tokens, or the decode batch).
  public var tokens: Int
  /// Model width.
  public var hidden: Int
  /// MLP width (gate and up each).
  public var ffn: Int
  /// Query heads.
  public var heads: Int
  /// Key/value heads.
  public var kvHeads: Int
  /// Head dimension.
  public var headDim: Int
  /// Tensor-parallel degree.
  public var ranks: Int
  /// Element type.
  public var dataType: DataType

  /// Creates a layer.
  public init(
    tokens: Int, hidden: Int, ffn: Int, heads: Int, kvHeads: Int,
    headDim: Int, ranks: Int, dataType: DataType = .bf16
  ) {
    self.tokens = tokens
    self.hidden = hidden
    self.ffn = ffn
    self.heads = heads
    self.kvHeads = kvHeads
    self.headDim = headDim
    self.ranks = ranks
    self.dataType = dataType
  }

  /// The four GEMMs one rank runs, `m × n × k` with `m` the tokens.
  public func gemms(backend: String?) -> [KernelWorkload] {
    let p = ranks
    let shapes = [
      (n: (heads + 2 * kvHeads) * headDim / p, k: hidden),
      (n: hidden, k: heads * headDim / p),
      (n: 2 * ffn / p, k: hidden),
      (n: hidden, k: ffn / p),
    ]
    return shapes.map {
      KernelWorkload(
        kind: .gemm, shape: .gemm(m: tokens, n: $0.n, k: $0.k),
        dataType: dataType, backend: backend)
    }
  }

  /// Bytes of each of the two all-reduces: the row-parallel output.
  public var allReduceBytes: Double {
    Double(tokens * hidden) * dataType.bytesPerElement
  }

  /// A layer's predicted seconds and their parts.
  public struct Time: Sendable, Hashable {
    /// The GEMMs.
    public var gemm: Double
    /// The two all-reduces.
    public var allReduce: Double
    /// The layer: GEMMs then all-reduces, in sequence.
    public var total: Double { gemm + allReduce }
  }

  /// Seconds of the layer on `device`: the GEMMs with the device's fitted
  /// factors for `gemmBackend` (else the uncalibrated ones), plus two
  /// all-reduces with `collectives`' fit for this rank count (else the
  /// descriptor's link at `efficiency`).
  ///
  /// - Returns: the layer's time and its GEMM and all-reduce parts.
  /// - Throws: ``PlanError`` when a GEMM cannot be predicted.
  public func seconds(
    on device: DeviceSpec, gemmBackend: String?,
    collectives: CollectiveCalibration?, backend: String,
    efficiency: EfficiencyFactors = .defaults
  ) throws(PlanError) -> Time {
    var gemm = 0.0
    for w in gemms(backend: gemmBackend) {
      let factors =
        device.calibration?.efficiency(for: w.calibrationClass) ?? .uncalibrated
      gemm += try KernelCostModel.estimate(w, on: device, efficiency: factors)
        .seconds
    }
    var reduce = 0.0
    if ranks > 1, let link = device.interconnect.scaleUp {
      let w = CollectiveWorkload(
        kind: .allReduce, bytes: allReduceBytes, ranks: ranks, backend: backend)
      reduce =
        2
        * (collectives?.seconds(w, link: link)
          ?? CollectiveModel.seconds(
            .allReduce, bytes: allReduceBytes, ranks: ranks, on: link,
            efficiency: efficiency))
    }
    return Time(gemm: gemm, allReduce: reduce)
  }
}

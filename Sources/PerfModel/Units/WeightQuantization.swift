/// How a quantized checkpoint stores its linear weights, read from its
/// `quantization_config`: the payload bits a weight, the scales (and zero
/// points) each group of weights along the input dimension carries, what
/// each matrix or each input row adds, and which modules it covers.
///
/// Bytes of one module kind's linear weights (`P` parameters in `T`
/// matrices with `R` input rows in all):
///
///     bytes = P · bits / 8 + P / group · groupBytes + R · rowBytes
///             + T · tensorBytes
///
/// (`group` nil: per output channel, one group per row of the weight's
/// output; `P / group` then counts output channels, ``channelGroups``.)
///
/// Formats, as their libraries write them:
/// - AWQ (AutoAWQ, GEMM layout): int4 weights packed in int32, fp16 scales
///   and int4 zero points per group of `group_size` input channels.
/// - GPTQ (AutoGPTQ / GPTQModel): the same, plus `g_idx` (int32 per input
///   row); `group_size: -1` is one group per column.
/// - bitsandbytes 4-bit (nf4, fp4): 4-bit codes, an fp32 absmax per block of
///   64; with double quantisation an int8 absmax per block and an fp32 one
///   per 256 blocks. 8-bit (LLM.int8()): int8 weights, an fp32 scale per
///   output row.
/// - fp8 (DeepSeek-V3): fp8 weights, an fp32 inverse scale per 128 × 128
///   block (`weight_block_size`), or one per tensor.
/// - mxfp4 (gpt-oss): 4-bit codes, one E8M0 byte per 32 weights.
/// - compressed-tensors: int4/int8 or fp8 weights, scales per group, per
///   output channel or per tensor (bf16 or fp32), zero points when
///   asymmetric.
///
/// [AutoAWQ]: https://github.com/casper-hansen/AutoAWQ
/// [bitsandbytes]: https://github.com/bitsandbytes-foundation/bitsandbytes
/// [OCP MX]: https://www.opencompute.org/documents/ocp-microscaling-formats-mx-v1-0-spec-final-pdf
public struct WeightQuantization: Sendable, Hashable, Codable {
  /// The module kinds a format may cover.
  public enum Module: String, Sendable, Hashable, Codable, CaseIterable {
    /// Attention's projections (q, k, v, o; MLA's low-rank ones).
    case attention
    /// A dense MLP's projections.
    case mlp
    /// Routed experts' projections.
    case experts
    /// Shared experts' projections.
    case sharedExperts
    /// The router (a linear layer over the experts).
    case router
    /// A state-space or linear-attention mixer's projections.
    case mixer
  }

  /// The method, as `quant_method` names it (`awq`, `gptq`, …).
  public var method: String
  /// A readable description (`int4, group 128, fp16 scales, int4 zeros`).
  public var summary: String
  /// Payload bits a weight.
  public var bits: Double
  /// Weights along the input dimension that share a scale; `nil`: one
  /// scale per output channel.
  public var groupSize: Int?
  /// Bytes of scale and zero point per group.
  public var groupBytes: Double
  /// Bytes per input row of each matrix (GPTQ's `g_idx`).
  public var rowBytes: Double
  /// Bytes per matrix (a per-tensor scale).
  public var tensorBytes: Double
  /// The module kinds stored quantized; the others stay in the checkpoint's
  /// dtype.
  public var modules: Set<Module>
  /// The type the GEMMs run in: the activation type for weight-only
  /// formats (weights dequantised on the fly), the weight type for W8A8.
  public var computeType: DataType?

  /// Creates a format.
  public init(
    method: String, summary: String, bits: Double, groupSize: Int?,
    groupBytes: Double, rowBytes: Double = 0, tensorBytes: Double = 0,
    modules: Set<Module> = Set(Module.allCases), computeType: DataType? = nil
  ) {
    self.method = method
    self.summary = summary
    self.bits = bits
    self.groupSize = groupSize
    self.groupBytes = groupBytes
    self.rowBytes = rowBytes
    self.tensorBytes = tensorBytes
    self.modules = modules
    self.computeType = computeType
  }

  /// Bytes of linear weights of one module kind.
  public func bytes(_ w: LinearWeights) -> Double {
    let groups =
      groupSize.map { w.parameters / Double($0) } ?? w.outputChannels
    return w.parameters * bits / 8 + groups * groupBytes + w.inputRows
      * rowBytes + w.tensors * tensorBytes
  }

  /// Bytes a weight averages, payload and group scales (the rate the
  /// operator graph streams projections at; per-row and per-tensor terms
  /// are left out of traffic).
  public var bytesPerWeight: Double {
    bits / 8 + (groupSize.map { groupBytes / Double($0) } ?? 0)
  }
}

/// Linear weights of one module kind: their parameters, how many matrices
/// hold them, and the input rows and output channels those matrices have
/// in all (what group, row and channel scales are counted by).
public struct LinearWeights: Sendable, Hashable {
  /// Weight elements (biases excluded).
  public var parameters = 0.0
  /// Matrices.
  public var tensors = 0.0
  /// Input rows summed over the matrices.
  public var inputRows = 0.0
  /// Output channels summed over the matrices.
  public var outputChannels = 0.0

  /// No weights.
  public init() {}

  /// Adds `count` matrices of `input` × `output`.
  public mutating func add(input: Double, output: Double, count: Double = 1) {
    parameters += count * input * output
    tensors += count
    inputRows += count * input
    outputChannels += count * output
  }

  /// Adds another module's matrices.
  public mutating func add(_ other: LinearWeights) {
    parameters += other.parameters
    tensors += other.tensors
    inputRows += other.inputRows
    outputChannels += other.outputChannels
  }
}

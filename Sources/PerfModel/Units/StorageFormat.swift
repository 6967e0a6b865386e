/// How a tensor is stored: its element format plus the quantization scales
/// that travel with it.
///
/// The overhead rules are stated once here and used by every memory figure:
///
///     fp32, bf16, fp16     no scales
///     fp8                  one fp32 scale per tensor (per layer): counted as 0
///     int8                 one fp16 scale per vector (a KV head vector, or a
///                          weight row): 2 bytes per `vectorLength` elements
///     int4, int2           an fp16 scale and an fp16 zero point per group of
///                          `int4GroupSize` elements: 4 bytes per group
///     fp6                  MXFP6: one 8-bit scale per 32 elements
///     fp4                  NVFP4: one fp8 scale per 16 elements (and an
///                          fp32 scale per tensor, counted as 0)
///
/// The int4 group is 32 for KV caches (KIVI, Liu et al. 2024) and 128 for
/// weights (AWQ and GPTQ defaults).
///
/// [KIVI]: https://arxiv.org/abs/2402.02750
/// [AWQ]: https://arxiv.org/abs/2306.00978
public struct StorageFormat: Sendable, Hashable, Codable {
  /// The element format.
  public var dataType: DataType
  /// Elements that share one int4 scale and zero point.
  public var int4GroupSize: Int
  /// A quantized checkpoint's format for the layers' linear weights.
  ///
  /// AWQ, GPTQ, bitsandbytes, fp8, mxfp4, compressed-tensors; `dataType` is
  /// then the type of everything else (embeddings, norms, biases, the
  /// modules it leaves out). `nil`: every weight in `dataType`.
  public var quantization: WeightQuantization?
  /// A quantized cache's full-precision window, in tokens.
  ///
  /// The most recent tokens of each sequence are kept in fp16 until a
  /// group fills (KIVI's residual, Liu et al. 2024); `nil`: none.
  public var residualTokens: Int?
  /// A KV cache's eviction budget, in tokens a sequence keeps per layer.
  ///
  /// After the prefill a selection pass scores the prompt's keys against
  /// its last queries and keeps the best (SnapKV, Li et al. 2024; H2O,
  /// Zhang et al. 2023); decoding then reads at most this many. `nil`:
  /// nothing is evicted.
  public var evictionBudgetTokens: Int?
  /// Whether the budget's tokens are chosen by a selection pass.
  ///
  /// SnapKV and H2O score them; attention sinks and a recent window
  /// (StreamingLLM, Xiao et al. 2023) are fixed positions and need no
  /// pass (`false`). `nil`: scored.
  public var evictionScored: Bool?
  /// The fraction of KV heads the budget applies to; `nil`: all.
  ///
  /// DuoAttention (Xiao et al. 2024) keeps the whole cache for its
  /// retrieval heads and sinks and a window for its streaming heads: the
  /// streaming heads are this fraction.
  public var evictedHeadFraction: Double?
  /// The fraction of key channels a KV cache keeps.
  ///
  /// ThinK (Xu et al. 2024) prunes the least significant channels of each
  /// key and keeps values whole; `nil`: every channel.
  public var keyChannelFraction: Double?
  /// Query-aware page selection in decode: the tokens a step attends to.
  ///
  /// Quest (Tang et al. 2024) chooses them by page; `nil`: all. The whole
  /// cache stays in memory, with each page's element-wise
  /// minimum and maximum key (fp16) beside it; a step reads every page's
  /// bounds, scores them against its query, and reads the chosen pages.
  public var pageSelectionTokens: Int?
  /// Tokens a page holds (Quest's 16).
  public var pageTokens: Int?

  /// A storage format for a KV cache or recurrent state (int4 group 32).
  public static func cache(_ dataType: DataType) -> StorageFormat {
    StorageFormat(dataType: dataType, int4GroupSize: 32)
  }

  /// A storage format for weights (int4 group 128).
  public static func weights(_ dataType: DataType) -> StorageFormat {
    StorageFormat(dataType: dataType, int4GroupSize: 128)
  }

  /// A quantized checkpoint's weights: its linear weights as `q` stores
  /// them, the rest in `dataType`.
  public static func checkpoint(
    _ q: WeightQuantization, rest dataType: DataType
  )
    -> StorageFormat
  {
    var format = weights(dataType)
    format.quantization = q
    return format
  }

  /// Creates a storage format.
  public init(dataType: DataType, int4GroupSize: Int) {
    precondition(int4GroupSize > 0, "int4 group size must be positive")
    self.dataType = dataType
    self.int4GroupSize = int4GroupSize
  }

  /// Bytes of `elements` values stored in vectors of `vectorLength`
  /// elements each (the unit an int8 scale covers).
  ///
  ///     bytes = elements · bytesPerElement + scaleBytes
  ///
  /// A quantized checkpoint's linear weights average
  /// ``WeightQuantization/bytesPerWeight`` (the operator graph's rate;
  /// the memory model counts them module by module).
  public func bytes(elements: Double, vectorLength: Int) -> Double {
    if let quantization { return elements * quantization.bytesPerWeight }
    let payload = elements * dataType.bytesPerElement
    switch dataType {
    case .int8:
      return payload + 2 * elements / Double(max(vectorLength, 1))
    case .int4, .int2:
      return payload + 4 * elements / Double(int4GroupSize)
    case .fp6:
      return payload + elements / 32
    case .fp4:
      return payload + elements / 16
    default:
      return payload
    }
  }
}

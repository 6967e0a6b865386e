/// Slow-memory traffic of decode attention with split-KV (flash-decoding):
/// one new token per sequence attends to `L` cached keys.
///
/// Per (batch, KV head), the `g` query heads of the group share each K/V
/// load. The keys are cut into `s` splits of `⌈L/s⌉` (the last shorter);
/// each split loads the group's queries and its keys and values in blocks,
/// then writes a partial output and its log-sum-exp; a final pass reads the
/// `s` partials and writes the output:
///
///     s = 1:  reads  e·(g·d + 2·L·d)                     writes e·g·d
///     s > 1:  reads  e·(s·g·d + 2·L·d + s·g·(d + 1))     writes e·(s·g·(d + 1) + g·d)
///
/// [Flash-Decoding]: https://crfm.stanford.edu/2023/10/12/flashdecoding.html
/// [Lean Attention]: https://arxiv.org/abs/2405.10480
public enum DecodeAttentionIO {
  /// Slow-memory traffic of one decode step.
  ///
  /// - Parameters:
  ///   - shape: `queryLength` must be 1; `keyLength` is the cache length `L`.
  ///   - splits: KV splits `s`, at most `L`.
  /// - Returns: reads and writes over all (batch, KV head) instances.
  public static func traffic(_ shape: AttentionShape, splits: Int) -> IOTraffic
  {
    precondition(
      shape.queryLength == 1 && splits >= 1 && splits <= shape.keyLength)
    let g = Double(shape.groupSize)
    let d = Double(shape.headDim)
    let l = Double(shape.keyLength)
    let s = Double(usedSplits(keys: shape.keyLength, splits: splits))
    let perInstance: IOTraffic
    if s == 1 {
      perInstance = IOTraffic(readBytes: g * d + 2 * l * d, writeBytes: g * d)
    } else {
      perInstance = IOTraffic(
        readBytes: s * g * d + 2 * l * d + s * g * (d + 1),
        writeBytes: s * g * (d + 1) + g * d)
    }
    return Double(shape.instances * shape.elementBytes) * perInstance
  }

  /// Splits that hold at least one key when `keys` are cut into chunks of
  /// `⌈keys / splits⌉`.
  public static func usedSplits(keys: Int, splits: Int) -> Int {
    let chunk = (keys + splits - 1) / splits
    return (keys + chunk - 1) / chunk
  }

  /// SRAM of one split's tiles with key blocks of `B_c`, in bytes.
  ///
  ///     e · (2·g·d + 2·B_c·d + g·B_c + 2·g)     Q, O, K, V, S/P, m, ℓ
  public static func sramBytes(_ shape: AttentionShape, columnBlock: Int)
    -> Double
  {
    let g = Double(shape.groupSize)
    let d = Double(shape.headDim)
    let c = Double(columnBlock)
    return Double(shape.elementBytes) * (2 * g * d + 2 * c * d + g * c + 2 * g)
  }
}

/// Slow-memory traffic of chunked causal linear attention (Lightning
/// Attention-2 style): within a chunk of `C` tokens, attention-like
/// `(QKᵀ ⊙ mask)V`; across chunks, a `d_k × d_v` state kept in SRAM.
///
/// Per (batch, head), `N` tokens:
///
///     reads  = e · N · (2·d_k + d_v)       Q, K, V once
///     writes = e · N · d_v                 O once
///     SRAM   = e · (d_k·d_v + C·(2·d_k + 2·d_v) + C²)
///
/// Traffic does not depend on `C`; the SRAM does, and the state must fit.
///
/// [Lightning Attention-2]: https://arxiv.org/abs/2401.04658
public enum LinearAttentionIO {
  /// Slow-memory traffic for `heads` heads over `tokens` tokens.
  public static func traffic(
    batch: Int, heads: Int, tokens: Int, keyDim: Int, valueDim: Int,
    elementBytes: Int
  ) -> IOTraffic {
    let n = Double(batch * heads * tokens * elementBytes)
    return IOTraffic(
      readBytes: n * Double(2 * keyDim + valueDim),
      writeBytes: n * Double(valueDim))
  }

  /// SRAM for chunks of `chunk` tokens, in bytes.
  public static func sramBytes(
    keyDim: Int, valueDim: Int, chunk: Int, elementBytes: Int
  )
    -> Double
  {
    let c = Double(chunk)
    return Double(elementBytes)
      * (Double(keyDim * valueDim) + c * Double(2 * keyDim + 2 * valueDim) + c
        * c)
  }
}

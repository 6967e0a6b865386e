/// The I/O lower bound of exact attention (Saha & Ye 2024), in bytes.
///
/// Up to the constant factor the theorem leaves open (taken as 1):
///
///     M ≥ d²:  Θ(N_q·N_k·d² / M)        (FlashAttention is optimal)
///     M < d²:  Θ(N_q·N_k·d / √M)        (as matrix multiplication)
///     always:  Ω(2·H·N_q·d + 2·H_kv·N_k·d)   (read the inputs, write the output)
///
/// the first two per query head, times `e` bytes per element, with `M` in
/// elements; causal masks count the `N_q·N_k/2` visible pairs. Tiled
/// kernels report their traffic as a ratio to this.
///
/// [Saha & Ye 2024]: https://arxiv.org/abs/2402.07443
public enum AttentionLowerBound {
  /// The bound for `shape` with `sramBytes` of fast memory.
  public static func bytes(_ shape: AttentionShape, sramBytes: Double) -> Double
  {
    let e = Double(shape.elementBytes)
    let m = sramBytes / e
    let d = Double(shape.headDim)
    let nq = Double(shape.queryLength)
    let nk = Double(shape.keyLength)
    let pairs = nq * nk * (shape.causal ? 0.5 : 1)
    let quadratic = m >= d * d ? pairs * d * d / m : pairs * d / m.squareRoot()
    let linear =
      2 * Double(shape.heads) * nq * d + 2 * Double(shape.kvHeads) * nk * d
    return e * Double(shape.batch)
      * max(Double(shape.heads) * quadratic, linear)
  }
}

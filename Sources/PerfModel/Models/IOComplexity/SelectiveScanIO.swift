/// Slow-memory traffic of Mamba's selective scan, fused as in its
/// hardware-aware kernel: inputs read once per channel block, the
/// `D_b × N` state kept in SRAM across time, outputs written once.
///
/// Per sequence of `L` steps with `D` channels and state size `N`, channel
/// blocks of `D_b` (`T_D = ⌈D / D_b⌉`), time chunks of `T`:
///
///     reads  = e · (2·L·D + D·N + D + T_D·2·L·N)   x, Δ; A; skip D; B, C per block
///     writes = e · L·D                              y
///     SRAM   = e · (2·D_b·N + D_b + T·(3·D_b + 2·N))   A, h, skip; x, Δ, y, B, C
///
/// The state size `N` is what makes the scan memory-bound: it is never
/// written to slow memory.
///
/// [Mamba]: https://arxiv.org/abs/2312.00752
public enum SelectiveScanIO {
  /// Slow-memory traffic of the scan over `batch` sequences.
  public static func traffic(
    batch: Int, length: Int, channels: Int, stateSize: Int, channelBlock: Int,
    elementBytes: Int
  ) -> IOTraffic {
    let l = Double(length)
    let d = Double(channels)
    let n = Double(stateSize)
    let blocks = Double((channels + channelBlock - 1) / channelBlock)
    let e = Double(batch * elementBytes)
    return IOTraffic(
      readBytes: e * (2 * l * d + d * n + d + blocks * 2 * l * n),
      writeBytes: e * l * d)
  }

  /// SRAM with channel blocks of `channelBlock` and time chunks of `chunk`.
  public static func sramBytes(
    stateSize: Int, channelBlock: Int, chunk: Int, elementBytes: Int
  ) -> Double {
    let db = Double(channelBlock)
    let n = Double(stateSize)
    return Double(elementBytes)
      * (2 * db * n + db + Double(chunk) * (3 * db + 2 * n))
  }
}

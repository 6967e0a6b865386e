/// Tile sizes of a tiled attention kernel.
public struct AttentionTiling: Sendable, Hashable, Codable {
  /// Packed query rows per tile (B_r).
  public var rowBlock: Int
  /// Keys per tile (B_c).
  public var columnBlock: Int
  /// Head-dimension slice per tile (b_k) in standard attention's matrix
  /// products; `nil` means the whole head dimension.
  public var innerBlock: Int?

  /// Creates a tiling.
  public init(rowBlock: Int, columnBlock: Int, innerBlock: Int? = nil) {
    precondition(rowBlock > 0 && columnBlock > 0 && (innerBlock ?? 1) > 0)
    self.rowBlock = rowBlock
    self.columnBlock = columnBlock
    self.innerBlock = innerBlock
  }
}

/// Why tiles cannot be used for a shape and an SRAM size.
public struct TilingError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What is wrong and the smallest fix.
  public var message: String
  /// The SRAM the tiles need, in bytes, when that is the problem.
  public var requiredSRAMBytes: Double?

  /// Creates a tiling error.
  public init(_ message: String, requiredSRAMBytes: Double? = nil) {
    self.message = message
    self.requiredSRAMBytes = requiredSRAMBytes
  }

  public var description: String { message }
}

/// Iterates a packed row dimension in blocks and reports, per block, how
/// many keys the causal mask leaves visible.
enum RowBlocks {
  /// Calls `body(rows, visibleKeys)` for each row block of `shape`.
  static func forEach(
    _ shape: AttentionShape, rowBlock: Int,
    _ body: (_ rows: Int, _ keys: Int) -> Void
  ) {
    var start = 0
    while start < shape.packedRows {
      let end = min(start + rowBlock, shape.packedRows)
      body(end - start, shape.visibleKeys(rowsFrom: start, to: end))
      start = end
    }
  }

  /// `⌈a / b⌉`.
  static func ceil(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
}

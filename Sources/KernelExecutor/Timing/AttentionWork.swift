/// The work an attention problem asks for, independent of any kernel.
public enum AttentionWork {
  /// FLOPs of QKᵀ and PV over visible query-key pairs: `4·d` each.
  public static func flops(_ p: AttentionProblem) -> Double {
    4 * Double(p.headDim) * visiblePairs(p) * Double(p.batch * p.heads)
  }

  /// Query-key pairs the mask leaves visible, per (batch, head).
  public static func visiblePairs(_ p: AttentionProblem) -> Double {
    guard p.causal else { return Double(p.queryLength) * Double(p.keyLength) }
    let offset = p.keyLength - p.queryLength
    var pairs = 0.0
    for i in 0..<p.queryLength {
      pairs += Double(max(0, min(p.keyLength, i + offset + 1)))
    }
    return pairs
  }
}

/// Non-negative least squares on relative error, small and dense.
///
/// Fits `t_i ≈ Σ_j c_j·x_ij` with every `c_j ≥ 0`, minimising
/// `Σ_i ((Σ_j c_j·x_ij − t_i) / t_i)²`: ordinary least squares on rows
/// `x_ij / t_i` against 1, solved by the normal equations; a coefficient
/// that comes out negative is fixed at zero and the rest refitted (the
/// active-set idea of Lawson & Hanson 1974, enough for three features).
enum LeastSquares {
  /// The coefficients, or `nil` when no feature set gives a solution.
  static func fitRelative(features: [[Double]], targets: [Double])
    -> [Double]?
  {
    guard let width = features.first?.count, !targets.isEmpty else {
      return nil
    }
    var active = (0..<width).filter { j in features.contains { $0[j] != 0 } }
    while !active.isEmpty {
      guard
        let c = solve(
          features.map { row in active.map { row[$0] } }, targets)
      else {
        active.removeFirst()
        continue
      }
      if let worst = c.indices.min(by: { c[$0] < c[$1] }), c[worst] < 0 {
        active.remove(at: worst)
        continue
      }
      var full = [Double](repeating: 0, count: width)
      for (slot, j) in active.enumerated() { full[j] = c[slot] }
      return full
    }
    return nil
  }

  /// Least squares of rows scaled by their targets, or `nil` when singular
  /// or underdetermined.
  static func solve(_ x: [[Double]], _ t: [Double]) -> [Double]? {
    let n = x.first?.count ?? 0
    guard n > 0, x.count >= n else { return nil }
    var a = [[Double]](
      repeating: [Double](repeating: 0, count: n + 1), count: n)
    for (row, target) in zip(x, t) {
      let r = row.map { $0 / target }
      for i in 0..<n {
        for j in 0..<n { a[i][j] += r[i] * r[j] }
        a[i][n] += r[i]
      }
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..<n {
      guard
        let pivot = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }),
        abs(a[pivot][col]) > 1e-300
      else { return nil }
      a.swapAt(col, pivot)
      for row in 0..<n where row != col {
        let f = a[row][col] / a[col][col]
        for k in col...n { a[row][k] -= f * a[col][k] }
      }
    }
    let c = (0..<n).map { a[$0][n] / a[$0][$0] }
    return c.allSatisfy(\.isFinite) ? c : nil
  }
}

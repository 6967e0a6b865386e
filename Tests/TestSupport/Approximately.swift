import RealModule

/// Whether `value` equals `expected` within `relativeTolerance`, through
/// swift-numerics' `isApproximatelyEqual`.
public func approximately(
  _ value: Double, _ expected: Double, relativeTolerance: Double
) -> Bool {
  value.isApproximatelyEqual(to: expected, relativeTolerance: relativeTolerance)
}

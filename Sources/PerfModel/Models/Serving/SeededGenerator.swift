import Foundation

/// A small deterministic random source.
///
/// SplitMix64 (Steele et al. 2014), so a seed names one workload on every
/// machine.
///
/// [Steele 2014]: https://doi.org/10.1145/2714064.2660195
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// A generator started at `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform draw in (0, 1): never 0, so its logarithm is finite.
  public mutating func unit() -> Double {
    (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992
  }

  /// A standard normal draw (Box–Muller).
  public mutating func normal() -> Double {
    let u = unit()
    let v = unit()
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
  }

  /// An exponential draw of mean `mean`.
  public mutating func exponential(mean: Double) -> Double {
    -mean * log(unit())
  }

  /// A gamma draw of shape `k` and mean `mean` (Marsaglia and Tsang 2000;
  /// a shape below 1 boosted by `U^{1/k}`).
  ///
  /// [Marsaglia 2000]: https://doi.org/10.1145/358407.358414
  public mutating func gamma(shape k: Double, mean: Double) -> Double {
    precondition(k > 0 && mean > 0)
    if k < 1 {
      let boost = pow(unit(), 1 / k)
      return boost * gamma(shape: k + 1, mean: mean * (k + 1) / k)
    }
    let d = k - 1.0 / 3
    let c = 1 / (9 * d).squareRoot()
    while true {
      var x: Double
      var v: Double
      repeat {
        x = normal()
        v = 1 + c * x
      } while v <= 0
      v = v * v * v
      let u = unit()
      if log(u) < 0.5 * x * x + d - d * v + d * log(v) {
        return d * v * mean / k
      }
    }
  }
}

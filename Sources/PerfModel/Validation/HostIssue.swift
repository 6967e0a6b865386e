/// The host's cost of issuing an eager pass of an engine: seconds per
/// layer of one kind, and seconds of the pass's own kernels and set-up.
///
/// An eager PyTorch pass is issued by Python (module calls, dispatch, a
/// launch per kernel); on a small model or a decode step the device waits
/// on it. `tools/measure_host.py` times passes of a model narrowed until
/// every kernel is a few microseconds of device time, at several layer
/// counts `L`; the host-bound wall time is fitted by least squares as
///
///     t(L) = pass + L · layer
///
/// per fusion profile, layer kind (``LayerSpec/issueKind``) and phase
/// (``key(profile:layerKind:phase:)``). A prediction spreads `layer` evenly over the kernels
/// of each layer of that kind and `pass` over the kernels outside the
/// layers, and issues them through an ``EagerStream``
/// (``KernelPricer/hostSeconds(of:)``).
public struct HostIssue: Sendable, Hashable, Codable {
  /// Host seconds to issue the pass's own kernels and set-up.
  public var passSeconds: Double
  /// Host seconds to issue one layer.
  public var layerSeconds: Double
  /// Timed passes the line came from.
  public var trainingCases: Int

  /// Creates an entry.
  public init(passSeconds: Double, layerSeconds: Double, trainingCases: Int) {
    self.passSeconds = passSeconds
    self.layerSeconds = layerSeconds
    self.trainingCases = trainingCases
  }

  /// Host seconds of a pass of `layers` layers: `pass + layers · layer`.
  public func seconds(layers: Int) -> Double {
    passSeconds + Double(layers) * layerSeconds
  }

  /// One timed pass: the entry's key, its layer count and its seconds.
  public struct Sample: Sendable, Hashable {
    /// ``HostIssue/key(profile:layerKind:phase:)``.
    public var key: String
    /// Layers of the timed model.
    public var layers: Int
    /// Median seconds of one pass.
    public var seconds: Double

    /// Creates a sample.
    public init(key: String, layers: Int, seconds: Double) {
      self.key = key
      self.layers = layers
      self.seconds = seconds
    }
  }

  /// The stored key, `<profile>/<layer kind>/<phase>`.
  ///
  /// For example `hf/attention+mlp/decode`.
  public static func key(
    profile: String, layerKind: String, phase: OperatorGraph.Phase
  ) -> String {
    "\(profile)/\(layerKind)/\(phase.rawValue)"
  }

  /// Fits one entry per key by ordinary least squares of seconds on the
  /// layer count.
  ///
  /// A negative intercept (noise around a pass that costs nothing of its
  /// own) is held at zero and the slope refitted through the origin; a
  /// negative slope is refused.
  ///
  /// - Returns: the entries, and for each key that cannot be fitted (one
  ///   layer count only, or seconds that fall with the layer count) why.
  public static func fit(_ samples: [Sample]) -> (
    entries: [String: HostIssue], refused: [String: String]
  ) {
    var entries: [String: HostIssue] = [:]
    var refused: [String: String] = [:]
    for (key, cases) in Dictionary(grouping: samples, by: \.key) {
      let x = cases.map { Double($0.layers) }
      let t = cases.map(\.seconds)
      guard Set(x).count >= 2 else {
        refused[key] =
          "timed at one layer count only; time two or more (measure_host.py times 1, 4 and 8)"
        continue
      }
      let n = Double(x.count)
      let meanX = x.reduce(0, +) / n
      let meanT = t.reduce(0, +) / n
      let sxx = zip(x, x).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanX) }
      let sxt = zip(x, t).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanT) }
      var slope = sxt / sxx
      var intercept = meanT - slope * meanX
      if intercept < 0 {
        intercept = 0
        slope =
          zip(x, t).reduce(0) { $0 + $1.0 * $1.1 }
          / x.reduce(0) { $0 + $1 * $1 }
      }
      guard slope > 0 else {
        refused[key] =
          "its seconds do not grow with the layer count (slope \(slope)); the passes were not host-bound: narrow the model"
        continue
      }
      entries[key] = HostIssue(
        passSeconds: intercept, layerSeconds: slope,
        trainingCases: cases.count)
    }
    return (entries, refused)
  }
}

/// The absent token mixer of a block that is only a feed-forward network
/// (Nemotron-H's `-` MLP and `E` expert blocks): no parameters, no cache,
/// no operators; the block's norm is counted with the layer's norms.
public struct NoMixer: RecurrentMixer {
  /// Creates the absent mixer.
  public init() {}

  public var familyTags: [String] { [] }

  public var kind: String { "" }

  public var summary: String { "—" }

  public func checkTensorParallel(_ tp: Int, model: String) throws(PlanError) {}

  public func parameters(hiddenSize: Int, tensorParallel tp: Int) -> Double {
    0
  }

  public func linearWeights(hiddenSize: Int, tensorParallel tp: Int)
    -> LinearWeights
  { LinearWeights() }

  public func stateBytes(tensorParallel tp: Int, format: StorageFormat)
    -> Double
  { 0 }

  public func activationWidth(tensorParallel tp: Int) -> Double { 0 }
}

/// A serving scenario: request shape, concurrency, data types and split.
///
/// Read from `workloads/scenarios/NAME.yaml`; every field is optional and
/// command-line flags override it. The context a request ends with is
/// `promptTokens + outputTokens`.
public struct ScenarioSpec: Sendable, Hashable, Codable {
  /// The catalogue name.
  public var name: String
  /// What the scenario represents and where its numbers come from.
  public var source: String
  /// Tokens in the prompt.
  public var promptTokens: Int?
  /// Tokens generated per request.
  public var outputTokens: Int?
  /// Concurrent requests.
  public var batch: Int?
  /// Layer weight type.
  public var weightDataType: DataType?
  /// KV cache and state type.
  public var cacheDataType: DataType?
  /// Activation type.
  public var activationDataType: DataType?
  /// Tensor-parallel degree.
  public var tensorParallel: Int?
  /// Pipeline-parallel degree.
  public var pipelineParallel: Int?

  /// Creates a scenario.
  public init(
    name: String, source: String, promptTokens: Int? = nil,
    outputTokens: Int? = nil,
    batch: Int? = nil, weightDataType: DataType? = nil,
    cacheDataType: DataType? = nil,
    activationDataType: DataType? = nil, tensorParallel: Int? = nil,
    pipelineParallel: Int? = nil
  ) {
    self.name = name
    self.source = source
    self.promptTokens = promptTokens
    self.outputTokens = outputTokens
    self.batch = batch
    self.weightDataType = weightDataType
    self.cacheDataType = cacheDataType
    self.activationDataType = activationDataType
    self.tensorParallel = tensorParallel
    self.pipelineParallel = pipelineParallel
  }

  /// Tokens a request holds at its end, when the scenario gives both parts.
  public var contextTokens: Int? {
    guard let promptTokens, let outputTokens else { return nil }
    return promptTokens + outputTokens
  }
}

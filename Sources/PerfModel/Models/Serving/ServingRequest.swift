/// One request of a serving workload.
public struct ServingRequest: Sendable, Hashable, Codable {
  /// When it arrives, seconds from the start.
  public var arrivalSeconds: Double
  /// Tokens of its prompt.
  public var promptTokens: Int
  /// Tokens it generates (the first from the prefill).
  public var outputTokens: Int
  /// Requests with the same id share a leading prefix of
  /// ``prefixTokens`` (a system prompt, a document); `nil`: none.
  public var prefixGroup: Int?
  /// Leading prompt tokens shared with the other requests of its group.
  public var prefixTokens: Int

  /// Creates a request.
  public init(
    arrivalSeconds: Double, promptTokens: Int, outputTokens: Int,
    prefixGroup: Int? = nil, prefixTokens: Int = 0
  ) {
    precondition(
      arrivalSeconds >= 0 && promptTokens > 0 && outputTokens > 0
        && prefixTokens >= 0 && prefixTokens < promptTokens)
    self.arrivalSeconds = arrivalSeconds
    self.promptTokens = promptTokens
    self.outputTokens = outputTokens
    self.prefixGroup = prefixGroup
    self.prefixTokens = prefixGroup == nil ? 0 : prefixTokens
  }
}

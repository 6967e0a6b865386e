/// What a deployment costs while it serves a scenario.
///
///     $/h                      = price per device-hour · devices
///     $ per 1M output tokens   = $/s / (output tokens/s) · 10⁶
///     $ per 1M input tokens    = $/s · TTFT / (replicas · batch · prompt) · 10⁶
///
/// Input tokens are charged the deployment-seconds their prefill takes;
/// output tokens the decode-seconds per token. Both assume the deployment
/// is kept busy with batches of the scenario's shape.
public struct DeploymentCost: Sendable, Hashable, Codable {
  /// US dollars per hour for the whole deployment.
  public var usdPerHour: Double
  /// US dollars per million output tokens.
  public var usdPerMillionOutputTokens: Double
  /// US dollars per million input (prompt) tokens.
  public var usdPerMillionInputTokens: Double

  /// The cost of `prediction` on `devices` devices at `usdPerDeviceHour`.
  public init(
    _ prediction: ServingPrediction, promptTokens: Int, devices: Int,
    usdPerDeviceHour: Double
  ) {
    usdPerHour = usdPerDeviceHour * Double(devices)
    let perSecond = usdPerHour / 3600
    usdPerMillionOutputTokens =
      perSecond / prediction.outputTokensPerSecond * 1e6
    let inputTokens = Double(
      prediction.replicas * prediction.batch * promptTokens)
    usdPerMillionInputTokens =
      perSecond * prediction.ttftSeconds / inputTokens * 1e6
  }
}

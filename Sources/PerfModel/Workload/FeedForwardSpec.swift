/// The feed-forward half of a layer: a dense MLP or a mixture of experts.
public enum FeedForwardSpec: Sendable, Hashable, Codable {
  /// A dense MLP.
  case dense(MLPSpec)
  /// A mixture of experts.
  case moe(MixtureOfExpertsSpec)
  /// No feed-forward block (Mamba layers carry none).
  case none
}

/// A dense MLP: gated (SwiGLU: gate, up, down) or plain (up, down).
public struct MLPSpec: Sendable, Hashable, Codable {
  /// Width of the hidden projection.
  public var intermediateSize: Int
  /// Whether the MLP is gated (three matrices instead of two).
  public var gated: Bool
  /// Whether the projections carry biases.
  public var bias: Bool

  /// Creates an MLP description.
  public init(intermediateSize: Int, gated: Bool, bias: Bool = false) {
    self.intermediateSize = intermediateSize
    self.gated = gated
    self.bias = bias
  }

  /// Matrices in the MLP: 3 when gated, else 2.
  public var matrices: Int { gated ? 3 : 2 }
}

/// A mixture of experts: a router, routed experts of which `expertsPerToken`
/// run per token, and optional always-on shared experts (DeepSeek).
public struct MixtureOfExpertsSpec: Sendable, Hashable, Codable {
  /// Routed experts.
  public var experts: Int
  /// Routed experts each token runs (top-k).
  public var expertsPerToken: Int
  /// One routed expert's MLP.
  public var expert: MLPSpec
  /// Shared experts every token runs.
  public var sharedExperts: Int
  /// One shared expert's MLP.
  public var sharedExpert: MLPSpec?
  /// Whether the router carries a per-expert bias (DeepSeek-V3's
  /// `e_score_correction_bias`).
  public var routerBias: Bool
  /// Whether a sigmoid gate (a 1-output linear of the hidden state) scales
  /// the shared experts' output (Qwen2-MoE, Qwen3-Next).
  public var sharedExpertGate = false

  /// Creates a mixture-of-experts description.
  public init(
    experts: Int, expertsPerToken: Int, expert: MLPSpec,
    sharedExperts: Int = 0, sharedExpert: MLPSpec? = nil,
    routerBias: Bool = false
  ) {
    precondition(experts > 0 && expertsPerToken > 0)
    precondition(expertsPerToken <= experts)
    self.experts = experts
    self.expertsPerToken = expertsPerToken
    self.expert = expert
    self.sharedExperts = sharedExperts
    self.sharedExpert = sharedExpert
    self.routerBias = routerBias
  }
}

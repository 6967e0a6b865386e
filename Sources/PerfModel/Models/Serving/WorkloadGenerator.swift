import Foundation

/// Synthetic serving workloads: arrivals of a process at a rate, lengths
/// from a distribution, all from one seed.
public enum WorkloadGenerator {
  /// How requests arrive.
  public enum Arrivals: Sendable, Hashable {
    /// A Poisson process: exponential gaps of mean `1/rate`.
    case poisson(ratePerSecond: Double)
    /// A renewal process with gamma gaps of mean `1/rate` and coefficient
    /// of variation `cv` (`cv > 1` is burstier than Poisson, `cv = 1` is
    /// Poisson), as DistServe and Vidur drive their simulations.
    case gamma(ratePerSecond: Double, coefficientOfVariation: Double)
  }

  /// A length distribution: log-normal with a given mean and log-space
  /// spread, rounded and clamped to `1...maximum`.
  ///
  /// A log-normal of mean `m` and spread `σ` has `μ = ln m − σ²/2`.
  public struct Lengths: Sendable, Hashable {
    /// The mean before clamping, tokens.
    public var meanTokens: Double
    /// σ of the logarithm; 0 gives every request the mean.
    public var logSpread: Double
    /// The most tokens a draw may take.
    public var maximumTokens: Int

    /// Creates a distribution.
    public init(meanTokens: Double, logSpread: Double, maximumTokens: Int) {
      precondition(meanTokens >= 1 && logSpread >= 0 && maximumTokens >= 1)
      self.meanTokens = meanTokens
      self.logSpread = logSpread
      self.maximumTokens = maximumTokens
    }

    /// Every request the same length.
    public static func fixed(_ tokens: Int) -> Lengths {
      Lengths(meanTokens: Double(tokens), logSpread: 0, maximumTokens: tokens)
    }

    func draw(_ g: inout SeededGenerator) -> Int {
      guard logSpread > 0 else {
        return min(maximumTokens, max(1, Int(meanTokens.rounded())))
      }
      let mu = log(meanTokens) - logSpread * logSpread / 2
      let x = exp(mu + logSpread * g.normal())
      return min(maximumTokens, max(1, Int(x.rounded())))
    }
  }

  /// A published length profile: the dataset's mean prompt and output
  /// lengths, with a log-normal spread assumed (the sources give means,
  /// not shapes).
  public struct Profile: Sendable, Hashable {
    /// The profile's name.
    public var name: String
    /// Prompt lengths.
    public var prompt: Lengths
    /// Output lengths.
    public var output: Lengths
    /// Where the means come from.
    public var source: String

    /// ShareGPT conversations.
    ///
    /// Mean prompt 161.31 and output 337.99 tokens (Kwon et al. 2023,
    /// vLLM, §6.1, Fig. 11); σ = 1 assumed; prompts and outputs at most
    /// 2048.
    public static let chat = Profile(
      name: "chat",
      prompt: Lengths(meanTokens: 161.31, logSpread: 1, maximumTokens: 2048),
      output: Lengths(meanTokens: 337.99, logSpread: 1, maximumTokens: 2048),
      source:
        "ShareGPT means (Kwon et al. 2023, vLLM, Sec. 6.1): prompt 161.31, output 337.99 tokens; log-normal sigma 1 assumed"
    )
    /// CNN/DailyMail summarisation.
    ///
    /// Articles of 781 and summaries of 56 tokens on average (See et al.
    /// 2017, §4); σ = 0.5 assumed; prompts at most 4096, outputs at most
    /// 512.
    public static let summarization = Profile(
      name: "summarization",
      prompt: Lengths(meanTokens: 781, logSpread: 0.5, maximumTokens: 4096),
      output: Lengths(meanTokens: 56, logSpread: 0.5, maximumTokens: 512),
      source:
        "CNN/DailyMail means (See et al. 2017, Sec. 4): article 781, summary 56 tokens; log-normal sigma 0.5 assumed"
    )
    /// The built-in profiles.
    public static let all = [chat, summarization]
  }

  /// The names ``lengths(named:fixedPrompt:fixedOutput:)`` knows: each
  /// built-in profile's, and `fixed`.
  public static let lengthNames = Profile.all.map(\.name) + ["fixed"]

  /// The prompt and output lengths `name` stands for: a built-in
  /// profile's, or `fixed` ones of `fixedPrompt` and `fixedOutput` tokens;
  /// `nil` for a name not in ``lengthNames``.
  public static func lengths(
    named name: String, fixedPrompt: Int, fixedOutput: Int
  ) -> (prompt: Lengths, output: Lengths)? {
    if name == "fixed" { return (.fixed(fixedPrompt), .fixed(fixedOutput)) }
    guard let p = Profile.all.first(where: { $0.name == name }) else {
      return nil
    }
    return (p.prompt, p.output)
  }

  /// `count` requests arriving by `arrivals`, lengths drawn from
  /// `prompt` and `output`, from `seed`; with `prefixTokens`, each prompt
  /// starts with one of `prefixGroups` shared prefixes of that length
  /// (picked uniformly; a system prompt, a few-shot preamble).
  public static func requests(
    count: Int, arrivals: Arrivals, prompt: Lengths, output: Lengths,
    seed: UInt64, prefixTokens: Int = 0, prefixGroups: Int = 1
  ) -> [ServingRequest] {
    precondition(prefixTokens >= 0 && prefixGroups >= 1)
    var g = SeededGenerator(seed: seed)
    var clock = 0.0
    var out: [ServingRequest] = []
    out.reserveCapacity(count)
    for _ in 0..<count {
      switch arrivals {
      case .poisson(let rate):
        clock += g.exponential(mean: 1 / rate)
      case .gamma(let rate, let cv):
        clock += g.gamma(shape: 1 / (cv * cv), mean: 1 / rate)
      }
      let own = prompt.draw(&g)
      let out1 = output.draw(&g)
      guard prefixTokens > 0 else {
        out.append(
          ServingRequest(
            arrivalSeconds: clock, promptTokens: own, outputTokens: out1))
        continue
      }
      out.append(
        ServingRequest(
          arrivalSeconds: clock, promptTokens: prefixTokens + own,
          outputTokens: out1,
          prefixGroup: Int(g.next() % UInt64(prefixGroups)),
          prefixTokens: prefixTokens))
    }
    return out
  }
}

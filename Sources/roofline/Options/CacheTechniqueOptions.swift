import ArgumentParser
import PerfModel

/// The flags of the long-context techniques a KV cache may use: a
/// full-precision window beside a quantized cache, eviction to a budget,
/// sinks and a window, per-head mixtures, query-aware page selection and
/// pruned key channels.
struct CacheTechniqueOptions: ParsableArguments {
  @Option(
    name: .customLong("kv-residual-tokens"), parsing: .unconditional,
    help:
      "A quantized KV cache's full-precision window: each sequence's most recent tokens kept in fp16 (KIVI's residual, e.g. 128)."
  )
  var kvResidualTokens: Int?
  @Option(
    name: .customLong("kv-budget-tokens"), parsing: .unconditional,
    help:
      "Evict the KV cache to this many tokens a sequence after the prefill (SnapKV, H2O): decode reads at most these; the selection pass is priced."
  )
  var kvBudgetTokens: Int?
  @Option(
    name: .customLong("kv-streaming"),
    help:
      "Keep S attention-sink tokens and a window of the W most recent (StreamingLLM), as S,W: decode reads S + W keys, no selection pass."
  )
  var kvStreaming: String?
  @Option(
    name: .customLong("duo-retrieval-fraction"), parsing: .unconditional,
    help:
      "DuoAttention: this fraction of KV heads keep the whole cache, the rest --kv-streaming's sinks and window (prefill priced as full attention for every head)."
  )
  var duoRetrievalFraction: Double?
  @Option(
    name: .customLong("quest-budget-tokens"), parsing: .unconditional,
    help:
      "Query-aware page selection (Quest): each decode step reads every page's key bounds and this many tokens of the best pages; the whole cache stays."
  )
  var questBudgetTokens: Int?
  @Option(
    name: .customLong("quest-page-tokens"), parsing: .unconditional,
    help: "Tokens a Quest page holds (default 16).")
  var questPageTokens: Int?
  @Option(
    name: .customLong("key-channel-fraction"), parsing: .unconditional,
    help:
      "Keep this fraction of each cached key's channels (ThinK; values whole), in (0, 1]."
  )
  var keyChannelFraction: Double?

  @Option(
    name: .customLong("attention-density"), parsing: .unconditional,
    help:
      "Block-sparse prefill: each row block visits its sink and nearest key blocks, this fraction of those it sees (MInference's Λ shape), after a block-selection pass; in (0, 1]."
  )
  var attentionDensity: Double?

  func validate() throws {
    if let rho = attentionDensity, !(rho > 0 && rho <= 1) {
      throw ValidationError(
        "--attention-density must be in (0, 1], got \(rho)")
    }
    if let kvStreaming {
      guard streaming() != nil else {
        throw ValidationError(
          "--kv-streaming \(kvStreaming): give S,W sink and window tokens, e.g. 4,2044 (S ≥ 0, W ≥ 1)"
        )
      }
      if kvBudgetTokens != nil {
        throw ValidationError(
          "give either --kv-streaming (fixed sinks and window) or --kv-budget-tokens (scored), not both"
        )
      }
    }
    if let r = duoRetrievalFraction {
      if !(r >= 0 && r < 1) {
        throw ValidationError(
          "--duo-retrieval-fraction must be in [0, 1), got \(r)")
      }
      if kvStreaming == nil {
        throw ValidationError(
          "--duo-retrieval-fraction needs --kv-streaming S,W for the streaming heads"
        )
      }
    }
    if let b = questBudgetTokens, !(1...ScenarioOptions.maxTokens).contains(b) {
      throw ValidationError(
        "--quest-budget-tokens must be 1 to \(ScenarioOptions.maxTokens), got \(b)"
      )
    }
    if let p = questPageTokens {
      if questBudgetTokens == nil {
        throw ValidationError(
          "--quest-page-tokens sizes Quest's pages: give --quest-budget-tokens too"
        )
      }
      if !(1...65536).contains(p) {
        throw ValidationError(
          "--quest-page-tokens must be 1 to 65536, got \(p)")
      }
    }
    if let f = keyChannelFraction, !(f > 0 && f <= 1) {
      throw ValidationError(
        "--key-channel-fraction must be in (0, 1], got \(f)")
    }
    if let b = kvBudgetTokens, !(1...ScenarioOptions.maxTokens).contains(b) {
      throw ValidationError(
        "--kv-budget-tokens must be 1 to \(ScenarioOptions.maxTokens), got \(b)"
      )
    }
    if let r = kvResidualTokens {
      if !(0...(1 << 20)).contains(r) {
        throw ValidationError(
          "--kv-residual-tokens must be 0 to 1048576, got \(r)")
      }
    }
  }

  /// Refuses a budget that keeps every token of a `context`-token request
  /// (set by `source`).
  func check(context: Int, source contextSource: String) throws {
    if let b = kvBudgetTokens, b >= context {
      throw CommandError(
        "--kv-budget-tokens \(b) keeps every token of a \(context)-token request (\(contextSource)); give fewer than \(context)"
      )
    }
    if let b = questBudgetTokens, b >= context {
      throw CommandError(
        "--quest-budget-tokens \(b) reads every token of a \(context)-token request (\(contextSource)); give fewer than \(context)"
      )
    }
    if let (sinks, window) = streaming(), sinks + window >= context {
      throw CommandError(
        "--kv-streaming \(sinks),\(window) keeps every token of a \(context)-token request (\(contextSource)); give S + W below \(context)"
      )
    }
  }

  /// The cache format of `type`, with `--kv-residual-tokens`'s window.
  func format(_ type: DataType) -> StorageFormat {
    var format = StorageFormat.cache(type)
    if let r = kvResidualTokens, r > 0 { format.residualTokens = r }
    format.evictionBudgetTokens = kvBudgetTokens
    if let (sinks, window) = streaming() {
      format.evictionBudgetTokens = sinks + window
      format.evictionScored = false
      format.evictedHeadFraction = duoRetrievalFraction.map { 1 - $0 }
    }
    format.keyChannelFraction = keyChannelFraction
    if let b = questBudgetTokens {
      format.pageSelectionTokens = b
      format.pageTokens = questPageTokens ?? 16
    }
    return format
  }

  /// Refuses the techniques the serving simulation does not model yet
  /// (eviction, sinks and a window, page selection, block-sparse prefill)
  /// for `command` (`simulate`, `plan --qps`).
  func refuseInSimulation(_ command: String) throws {
    if kvBudgetTokens != nil || kvStreaming != nil || attentionDensity != nil {
      throw CommandError(
        "--kv-budget-tokens, --kv-streaming and --attention-density are not modelled in \(command) yet; use predict, sweep, plan without --qps, or memory"
      )
    }
  }

  /// What a simulation with these flags does not model, for its "not
  /// modelled" line.
  var notModelledInSimulation: [String] {
    questBudgetTokens == nil
      ? []
      : [
        "Quest's page selection for the sequences decoding in a pass that prefills (their attention read over the whole cache)"
      ]
  }

  /// `--kv-streaming`'s sink and window tokens.
  func streaming() -> (sinks: Int, window: Int)? {
    guard let kvStreaming else { return nil }
    let parts = kvStreaming.split(separator: ",").map {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    guard parts.count == 2, let s = parts[0], let w = parts[1], s >= 0,
      w >= 1, s + w <= ScenarioOptions.maxTokens
    else { return nil }
    return (s, w)
  }
}

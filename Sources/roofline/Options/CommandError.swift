import PerfModel

/// An error the CLI reports in terms of its own flags.
struct CommandError: Error, CustomStringConvertible {
  var description: String

  init(_ description: String) { self.description = description }

  /// Names the flag behind a model's ``PlanError``; a context error names
  /// `contextSource` (the flags or file that set the context).
  init(
    planError: PlanError, defaultedTP: Bool, contextSource: String = "--context"
  ) {
    let flag: String
    switch planError.input {
    case .tensorParallel:
      flag = defaultedTP ? "--tp (defaulted to devices / pp)" : "--tp"
    case .pipelineParallel: flag = "--pp"
    case .contextParallel: flag = "--cp"
    case .expertParallel: flag = "--ep"
    case .microBatches: flag = "--micro-batches"
    case .prefix: flag = "--cached-prefix-tokens"
    case .chunk: flag = "--chunk-tokens"
    case .devices: flag = "--devices"
    case .context: flag = contextSource
    case .batch: flag = "--batch"
    case .reserveFraction: flag = "--reserve-fraction"
    case .workspaceTokens: flag = "--workspace-tokens"
    case .dataType: flag = "--activation-dtype"
    case .tiling: flag = "--hardware"
    case .engine: flag = "--engine"
    }
    var text = "\(flag): \(planError.message)"
    if planError.input == .context {
      text +=
        contextSource.hasPrefix("--")
        ? " (--force)" : " (--context, or --force)"
    }
    description = text
  }
}

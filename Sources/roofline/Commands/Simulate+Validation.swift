import ArgumentParser
import PerfModel

extension RooflineCommand.Simulate {
  func validate() throws {
    if trace != nil, rate != nil {
      throw ValidationError("give either --trace or --rate, not both")
    }
    if trace == nil, rate == nil {
      throw ValidationError(
        "give --rate (requests per second) for a generated workload, or --trace FILE"
      )
    }
    if let rate, !(rate > 0 && rate <= 1e6) {
      throw ValidationError("--rate must be in (0, 1000000], got \(rate)")
    }
    if !["poisson", "gamma"].contains(arrivals) {
      throw ValidationError(
        "--arrivals \(arrivals): use poisson or gamma")
    }
    if !(cv > 0 && cv <= 100) {
      throw ValidationError("--cv must be in (0, 100], got \(cv)")
    }
    if !(1...10_000_000).contains(requestCount) {
      throw ValidationError(
        "--requests must be 1 to 10000000, got \(requestCount)")
    }
    let profiles = WorkloadGenerator.lengthNames
    if !profiles.contains(lengths) {
      throw ValidationError(
        "--lengths \(lengths): use \(profiles.joined(separator: ", "))")
    }
    for (flag, value, most) in [
      ("--max-seqs", maxSequences, 1 << 20),
      ("--token-budget", tokenBudget, 1 << 24),
      ("--block-tokens", blockTokens, 1 << 16),
    ] where !(1...most).contains(value) {
      throw ValidationError("\(flag) must be 1 to \(most), got \(value)")
    }
    for (flag, value) in [
      ("--ttft-slo-ms", ttftObjective), ("--tpot-slo-ms", tpotObjective),
    ] {
      if let value, !(value > 0 && value.isFinite) {
        throw ValidationError("\(flag) must be a positive time, got \(value)")
      }
    }
    if (ttftObjective == nil) != (tpotObjective == nil) {
      throw ValidationError(
        "goodput needs both objectives: --ttft-slo-ms and --tpot-slo-ms")
    }
    if !(0...(1 << 24)).contains(sharedPrefixTokens) {
      throw ValidationError(
        "--shared-prefix-tokens must be 0 to 16777216, got \(sharedPrefixTokens)"
      )
    }
    if !(1...(1 << 20)).contains(prefixGroups) {
      throw ValidationError(
        "--prefix-groups must be 1 to 1048576, got \(prefixGroups)")
    }
    if trace != nil, sharedPrefixTokens > 0 {
      throw ValidationError(
        "--shared-prefix-tokens shapes a generated workload; a trace gives its prefixes in prefix_group and prefix_tokens"
      )
    }
    if prefixCaching, scheduler == .static {
      throw ValidationError(
        "--prefix-caching needs --scheduler continuous (static batching reserves each request whole)"
      )
    }
    if let disaggregate {
      let parts = disaggregate.split(separator: ",").map {
        Int($0.trimmingCharacters(in: .whitespaces))
      }
      guard parts.count == 2, let p = parts[0], let d = parts[1],
        (1...4096).contains(p), (1...4096).contains(d)
      else {
        throw ValidationError(
          "--disaggregate \(disaggregate): give P,D replicas that prefill and decode, e.g. 1,3 (each 1 to 4096)"
        )
      }
      if scheduler == .static {
        throw ValidationError(
          "--disaggregate needs --scheduler continuous")
      }
    }
    if serving.batch != nil {
      throw ValidationError(
        "--batch does not apply: the scheduler forms batches (bound them with --max-seqs)"
      )
    }
  }
}

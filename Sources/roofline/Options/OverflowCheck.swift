import PerfIO
import PerfModel

/// Refusing to time a deployment that does not fit in memory.
enum OverflowCheck {
  /// Throws unless `memory` fits or `allowed`: latencies of a deployment
  /// whose weights, cache and workspace exceed its devices are of nothing
  /// that can run.
  static func check(
    _ memory: MemoryEstimate, scenario: MemoryScenario, allowed: Bool
  ) throws {
    guard !memory.fits, !allowed else { return }
    let short = memory.shortBytes
    throw CommandError(
      "the deployment does not fit: \(HumanUnits.bytes(short)) short on the tightest device at \(scenario.contextTokens) tokens × \(scenario.batch) requests (see roofline memory); add devices (--devices, --tp, --pp), lower --batch or the context, store weights or cache smaller (--weight-dtype, --kv-dtype), or pass --allow-overflow to time it anyway"
    )
  }
}

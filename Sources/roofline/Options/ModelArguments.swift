import ArgumentParser
import PerfModel

extension DataType: ExpressibleByArgument {
  public init?(argument: String) { self.init(spelling: argument) }
  /// None listed: each flag's help names the types it takes (a KV cache
  /// takes no fp64, an activation no int4), where a list of every type
  /// would offer values the flag then refuses.
  public static var allValueStrings: [String] { [] }
}

extension ParallelPlan.ContextStrategy: ExpressibleByArgument {}

extension PrefillOptions.PrefixLocation: ExpressibleByArgument {}

extension HostSpeed: ExpressibleByArgument {}

import ArgumentParser
import PerfModel

extension DataType: ExpressibleByArgument {
  public init?(argument: String) { self.init(spelling: argument) }
  public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension ParallelPlan.ContextStrategy: ExpressibleByArgument {}

extension PrefillOptions.PrefixLocation: ExpressibleByArgument {}

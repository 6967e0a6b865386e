import ArgumentParser
import PerfIO

/// Where the hardware and workload descriptors are.
struct CatalogOptions: ParsableArguments {
  @Option(
    help:
      "Folder holding hardware/ and workloads/ (default: found from the working directory)."
  )
  var catalog: String?

  /// The catalogue, or a clear error saying how to point at it.
  func load() throws -> Catalog { try Catalog.locate(explicit: catalog) }
}

import PerfModel

/// Memory per device across contexts as stacked bars.
public enum MemoryChart {
  /// Weights, KV cache and state, activations, runtime reserve and free
  /// memory of the binding stage's device at each context; the capacity is
  /// a dashed line, and contexts that do not fit are marked.
  public static func chart(
    contexts: [Int], estimates: [MemoryEstimate], device: String,
    subtitle: String = ""
  ) -> StackedBarChart {
    precondition(contexts.count == estimates.count)
    let stages = estimates.map { $0.stages[$0.bindingStage] }
    let stacks = [
      StackedBarChart.Stack(name: "weights", values: stages.map(\.weightBytes)),
      .init(name: "KV cache and state", values: stages.map(\.batchCacheBytes)),
      .init(name: "activations", values: stages.map(\.workspaceBytes)),
      .init(name: "runtime reserve", values: stages.map(\.reserveBytes)),
      .init(name: "free", values: stages.map { max(0, $0.freeBytes) }),
    ]
    var notes: [Int: String] = [:]
    for (i, e) in estimates.enumerated() where !e.fits {
      notes[i] = "does not fit"
    }
    return StackedBarChart(
      title: "Memory per device against context on \(device)", kind: "memory",
      subtitle: subtitle,
      categories: contexts.map {
        ChartAxis.text(Double($0), .binary(unit: ""))
      },
      categoryLabel: "context (tokens)",
      y: ChartAxis(
        label: "memory (bytes)", scale: .linear, format: .binary(unit: "B")),
      stacks: stacks,
      reference: ("capacity", stages.first?.capacityBytes ?? 0), notes: notes)
  }
}

import PerfModel

extension ServingReport {
  /// The KV-cache techniques a report compares with the dense cache.
  static func cacheTechniques(_ dense: DataType) -> [(String, StorageFormat)] {
    var window = StorageFormat.cache(.int2)
    window.residualTokens = 128
    var budget = StorageFormat.cache(dense)
    budget.evictionBudgetTokens = 2048
    var streaming = StorageFormat.cache(dense)
    streaming.evictionBudgetTokens = 2048
    streaming.evictionScored = false
    var quest = StorageFormat.cache(dense)
    quest.pageSelectionTokens = 2048
    quest.pageTokens = 16
    return [
      ("dense \(dense.rawValue)", .cache(dense)),
      ("int4 (KIVI, groups of 32)", .cache(.int4)),
      ("int2 + 128-token fp16 window", window),
      ("SnapKV budget 2048", budget),
      ("sinks + window 4 + 2044", streaming),
      ("Quest 2048 tokens of 16-token pages", quest),
    ]
  }

  /// The long-context section: one decode step and the requests that fit,
  /// against context, for the dense cache and each technique.
  ///
  /// - Throws: ``PlanError`` when the scenario cannot be sized or priced.
  public func techniques() throws(PlanError) -> ReportDocument.Section {
    var table = ReportTable(columns: [
      "technique", "context_tokens", "tpot_seconds", "max_concurrent_requests",
    ])
    var tpot: [XYChart.Series] = []
    var fit: [XYChart.Series] = []
    let techniques = Self.cacheTechniques(scenario.cacheFormat.dataType)
    for (i, (name, format)) in techniques.enumerated() {
      var tpotPoints: [ChartPoint] = []
      var fitPoints: [ChartPoint] = []
      for context in contexts {
        var memory = scenario
        memory.contextTokens = context
        memory.cacheFormat = format
        memory.allowBeyondModelContext = true
        let estimate = try MemoryModel.estimate(model, on: device, memory)
        var graph = GraphScenario(
          serving: memory, promptTokens: max(1, context - 1), outputTokens: 1,
          on: device, devicesPerNode: devicesPerNode)
        graph.contextTokens = context
        graph.engine = engine
        let step = try PhasePrediction.predict(
          OperatorGraphBuilder.decode(model, graph), on: device,
          efficiency: efficiency, calibration: device.calibration,
          engine: engine
        ).seconds
        tpotPoints.append(ChartPoint(Double(context), step))
        fitPoints.append(
          ChartPoint(Double(context), Double(estimate.maxConcurrentRequests)))
        table.append([
          name, String(context), "\(step)",
          String(estimate.maxConcurrentRequests),
        ])
      }
      tpot.append(
        XYChart.Series(
          name: name, points: tpotPoints, style: .lineAndMarkers,
          styleIndex: i))
      fit.append(
        XYChart.Series(
          name: name, points: fitPoints, style: .lineAndMarkers, styleIndex: i))
    }
    let context = ChartAxis(
      label: "context (tokens)", scale: .log(base: 2), format: .binary(unit: "")
    )
    let note =
      "\(model.name), batch \(scenario.batchPerReplica) per replica; \(device.displayName)"
    return ReportDocument.Section(
      "Long-context techniques",
      [
        .paragraph(
          "One decode step at each context, and how many requests of that context fit, for the dense cache and each technique: KIVI-style int4 and int2 caches (the latter with a 128-token fp16 window), eviction to 2048 tokens after a SnapKV selection pass, 4 attention sinks and a 2044-token window (StreamingLLM), and Quest's query-aware selection of 2048 tokens (the whole cache kept, every page's key bounds read a step). What a technique costs in accuracy is not modelled."
        ),
        .chart(
          name: "techniques-tpot",
          svg: XYChart(
            title: "Decode step against context", kind: "techniques-tpot",
            x: context,
            y: ChartAxis(
              label: "TPOT (s)", scale: .log(base: 10), format: .si(unit: "s")),
            series: tpot, subtitle: note
          ).svg()),
        .chart(
          name: "techniques-concurrency",
          svg: XYChart(
            title: "Requests that fit against context",
            kind: "techniques-concurrency", x: context,
            y: ChartAxis(
              label: "requests", scale: .log(base: 10),
              format: .plain(digits: 0)),
            series: fit, subtitle: note
          ).svg()),
        .table(name: "techniques", table),
      ])
  }
}

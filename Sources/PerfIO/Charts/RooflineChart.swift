import PerfModel

/// A kernel measured and predicted, as charts place it.
public struct MeasuredPoint: Sendable, Hashable {
  /// The kernel class (`gemm`, `flash-attention`…).
  public var kernel: String
  /// FLOPs of one call.
  public var flops: Double
  /// Bytes of one call at the level that bounds it.
  public var bytes: Double
  /// Predicted seconds.
  public var predictedSeconds: Double
  /// Measured median seconds.
  public var measuredSeconds: Double
  /// Whether the case was held out of calibration.
  public var heldOut: Bool

  /// Creates a point.
  public init(
    kernel: String, flops: Double, bytes: Double, predictedSeconds: Double,
    measuredSeconds: Double, heldOut: Bool
  ) {
    self.kernel = kernel
    self.flops = flops
    self.bytes = bytes
    self.predictedSeconds = predictedSeconds
    self.measuredSeconds = measuredSeconds
    self.heldOut = heldOut
  }
}

/// The roofline of a device with a workload's operators on it.
public enum RooflineChart {
  /// One ceiling: a compute peak (`FLOP/s`) or a bandwidth (`bytes/s`).
  public struct Ceiling: Sendable, Hashable {
    /// `bf16 matrix`, `HBM3`, `host link`.
    public var name: String
    /// FLOP/s for a compute ceiling, bytes/s for a bandwidth.
    public var value: Double
    /// Whether the value is a bandwidth.
    public var isBandwidth: Bool
  }

  /// The device's ceilings: a compute peak per data type (types sharing a
  /// peak share a line), the vector fp32 peak, and a bandwidth per memory
  /// level and for the host link; fastest first.
  public static func ceilings(of device: DeviceSpec) -> [Ceiling] {
    var byPeak: [Double: [String]] = [:]
    for (type, peak) in device.compute.matrixFLOPsPerSecond {
      byPeak[peak, default: []].append(type.rawValue)
    }
    var out = byPeak.map { peak, names in
      Ceiling(
        name: names.sorted().joined(separator: "/") + " matrix", value: peak,
        isBandwidth: false)
    }
    if let vector = device.compute.vectorFLOPsPerSecond[.fp32],
      byPeak[vector] == nil
    {
      out.append(
        Ceiling(name: "fp32 vector", value: vector, isBandwidth: false))
    }
    out.sort { $0.value > $1.value }
    var bandwidths = device.memoryLevels.map {
      Ceiling(
        name: "\($0.name) (\($0.kind.rawValue))",
        value: $0.bandwidthBytesPerSecond, isBandwidth: true)
    }
    if let host = device.interconnect.hostLink {
      bandwidths.append(
        Ceiling(
          name: "host link (\(host.name))",
          value: host.bandwidthBytesPerSecondPerDirection, isBandwidth: true))
    }
    return out + bandwidths.sorted { $0.value > $1.value }
  }

  /// The chart: ceilings as lines, ridge points labelled (each bandwidth
  /// against the peak of `dataType`, and main memory against every
  /// peak), the phases' operators at their intensity and attained FLOP/s
  /// (prefill filled, decode open), and measured kernels beside their
  /// predictions.
  public static func chart(
    device: DeviceSpec, dataType: DataType, phases: [PhasePrediction],
    measured: [MeasuredPoint] = [], subtitle: String = ""
  ) -> XYChart {
    let ceilings = ceilings(of: device)
    let peaks = ceilings.filter { !$0.isBandwidth }
    let bandwidths = ceilings.filter(\.isBandwidth)
    let top = peaks.map(\.value).max() ?? 1
    let workPeak = device.compute.peakFLOPsPerSecond(dataType) ?? top
    var intensities: [Double] = []
    var series: [XYChart.Series] = []
    var index = 0
    for phase in phases {
      let points = zip(phase.graph.operators, phase.times).compactMap {
        op, time -> ChartPoint? in
        guard op.flops > 0, op.bytes > 0, time.seconds > 0 else { return nil }
        return ChartPoint(op.intensity, op.flops / time.seconds)
      }
      intensities += points.map(\.x)
      let decode = phase.graph.phase == .decode
      series.append(
        XYChart.Series(
          name: "\(phase.graph.phase.rawValue) operators (\(points.count))",
          points: points, style: .markers, styleIndex: decode ? 1 : 0,
          filled: !decode))
    }
    for (kind, group) in Dictionary(grouping: measured, by: \.kernel).sorted(
      by: { $0.key < $1.key })
    {
      let valid = group.filter { $0.flops > 0 && $0.bytes > 0 }
      let measuredPoints = valid.map {
        ChartPoint($0.flops / $0.bytes, $0.flops / $0.measuredSeconds)
      }
      let predictedPoints = valid.map {
        ChartPoint($0.flops / $0.bytes, $0.flops / $0.predictedSeconds)
      }
      intensities += measuredPoints.map(\.x)
      series.append(
        XYChart.Series(
          name: "\(kind) measured", points: measuredPoints, style: .markers,
          styleIndex: 2 + index))
      series.append(
        XYChart.Series(
          name: "\(kind) predicted", points: predictedPoints, style: .markers,
          styleIndex: 2 + index, filled: false))
      index += 1
    }
    let ridges = bandwidths.map { top / $0.value }
    let low = min(0.1, (intensities.min() ?? 1) / 2)
    let high = max(ridges.max() ?? 1, intensities.max() ?? 1) * 4
    var lines: [XYChart.Series] = []
    var annotations: [XYChart.Annotation] = []
    for (i, c) in peaks.enumerated() {
      lines.append(
        XYChart.Series(
          name: "\(c.name) \(ChartAxis.text(c.value, .si(unit: "FLOP/s")))",
          points: [ChartPoint(low, c.value), ChartPoint(high, c.value)],
          style: .line, styleIndex: 6, dashIndex: i))
      let mainBandwidth = device.mainMemory.bandwidthBytesPerSecond
      annotations.append(
        .init(
          "ridge \(ChartAxis.text(c.value / mainBandwidth, .plain(digits: 0))) FLOP/B",
          at: ChartPoint(c.value / mainBandwidth, c.value)))
    }
    var below = false
    for (i, b) in bandwidths.enumerated() {
      let ridge = top / b.value
      lines.append(
        XYChart.Series(
          name: "\(b.name) \(ChartAxis.text(b.value, .si(unit: "B/s")))",
          points: [ChartPoint(low, b.value * low), ChartPoint(ridge, top)],
          style: .line, styleIndex: 3 + i, dashed: true))
      if b.value != device.mainMemory.bandwidthBytesPerSecond {
        annotations.append(
          .init(
            "ridge \(ChartAxis.text(workPeak / b.value, .plain(digits: 0)))",
            at: ChartPoint(workPeak / b.value, workPeak), below: below))
        below.toggle()
      }
    }
    return XYChart(
      title: "Roofline of \(device.displayName)", kind: "roofline",
      x: ChartAxis(
        label: "arithmetic intensity (FLOP/byte)", scale: .log(base: 10),
        format: .si(unit: "")),
      y: ChartAxis(
        label: "attained (FLOP/s)", scale: .log(base: 10), format: .si(unit: "")
      ),
      series: lines + series, annotations: annotations, subtitle: subtitle)
  }
}

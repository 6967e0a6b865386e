/// A point of a chart, in data units.
public struct ChartPoint: Sendable, Hashable {
  /// Horizontal value.
  public var x: Double
  /// Vertical value.
  public var y: Double

  /// Creates a point.
  public init(_ x: Double, _ y: Double) {
    self.x = x
    self.y = y
  }
}

/// A line and scatter chart on linear or log axes, written as SVG.
///
/// The SVG is self-describing for tests and scripts: each series is a
/// `<g class="series" data-name=… data-points=…>`, ticks are
/// `<text class="tick">`, axis titles `<text class="axis-label">`, and the
/// legend has one `<g class="legend-entry">` per named series.
public struct XYChart: Sendable {
  /// One series.
  public struct Series: Sendable {
    /// How the series is drawn.
    public enum Style: Sendable, Hashable {
      /// A polyline through the points.
      case line
      /// A marker per point.
      case markers
      /// Both.
      case lineAndMarkers
      /// The area between `points` (lower edge) and `upper`.
      case band
    }

    /// The legend text.
    public var name: String
    /// The points (for a band, its lower edge).
    public var points: [ChartPoint]
    /// A band's upper edge.
    public var upper: [ChartPoint]
    /// How it is drawn.
    public var style: Style
    /// Which colour, marker and dash it takes (``ChartStyle``).
    public var styleIndex: Int
    /// Whether markers are filled (else drawn open).
    public var filled: Bool
    /// Whether a line is dashed by ``styleIndex`` (else solid).
    public var dashed: Bool
    /// Whether the series appears in the legend.
    public var inLegend: Bool
    /// A dash pattern index overriding ``styleIndex``'s.
    public var dashIndex: Int?

    /// Creates a series.
    public init(
      name: String, points: [ChartPoint], upper: [ChartPoint] = [],
      style: Style, styleIndex: Int, filled: Bool = true, dashed: Bool = true,
      inLegend: Bool = true, dashIndex: Int? = nil
    ) {
      self.dashIndex = dashIndex
      self.name = name
      self.points = points
      self.upper = upper
      self.style = style
      self.styleIndex = styleIndex
      self.filled = filled
      self.dashed = dashed
      self.inLegend = inLegend
    }
  }

  /// A text label pinned to a data point.
  public struct Annotation: Sendable, Hashable {
    /// The text.
    public var text: String
    /// Where, in data units.
    public var point: ChartPoint
    /// Whether the text sits below the point (else above).
    public var below: Bool

    /// Creates an annotation.
    public init(_ text: String, at point: ChartPoint, below: Bool = false) {
      self.text = text
      self.point = point
      self.below = below
    }
  }

  /// The title above the plot.
  public var title: String
  /// A short name for the chart's kind (`roofline`, `ttft`), written as
  /// `data-kind` and used for element ids.
  public var kind: String
  /// Horizontal axis.
  public var x: ChartAxis
  /// Vertical axis.
  public var y: ChartAxis
  /// The series, drawn in order.
  public var series: [Series]
  /// Labels on the plot.
  public var annotations: [Annotation]
  /// A line under the title (source, scenario).
  public var subtitle: String
  /// Width in pixels.
  public var width = 840.0
  /// Height in pixels.
  public var height = 480.0

  /// Creates a chart.
  public init(
    title: String, kind: String, x: ChartAxis, y: ChartAxis,
    series: [Series], annotations: [Annotation] = [], subtitle: String = ""
  ) {
    self.title = title
    self.kind = kind
    self.x = x
    self.y = y
    self.series = series
    self.annotations = annotations
    self.subtitle = subtitle
  }

  /// The plotted points of `series` (those the axes accept).
  func plotted(_ points: [ChartPoint]) -> [ChartPoint] {
    points.filter { x.accepts($0.x) && y.accepts($0.y) }
  }

  /// The domains the data needs, widened to whole ticks.
  func domains() -> (ClosedRange<Double>, ClosedRange<Double>)? {
    let all =
      series.flatMap { plotted($0.points) + plotted($0.upper) }
      + plotted(annotations.map(\.point))
    guard let first = all.first else { return nil }
    var (x0, x1, y0, y1) = (first.x, first.x, first.y, first.y)
    for p in all {
      (x0, x1) = (min(x0, p.x), max(x1, p.x))
      (y0, y1) = (min(y0, p.y), max(y1, p.y))
    }
    // A log value axis keeps a margin, so a flat line at a power of the
    // base does not run along the frame.
    if case .log = y.scale { (y0, y1) = (y0 / 1.2, y1 * 1.2) }
    return (x.niceDomain(x0, x1), y.niceDomain(y0, y1))
  }

  /// The chart as an SVG document.
  public func svg() -> String {
    let left = 86.0
    let top = SVG.plotTop(subtitle: subtitle)
    let legendWidth = series.contains(where: \.inLegend) ? 250.0 : 16.0
    let plotWidth = width - left - legendWidth
    let plotHeight = height - top - 58
    var out = SVG.open(
      width: width, height: height, title: title, subtitle: subtitle,
      kind: kind)
    guard let (xd, yd) = domains() else {
      out +=
        SVG.text(
          "no data", x: width / 2, y: height / 2, anchor: "middle",
          className: "empty") + "\n</svg>\n"
      return out
    }
    func px(_ v: Double) -> Double { left + x.fraction(v, in: xd) * plotWidth }
    func py(_ v: Double) -> Double {
      top + (1 - y.fraction(v, in: yd)) * plotHeight
    }
    let n = SVG.number
    let clip = "clip-\(kind)"
    out += """
      <defs><clipPath id="\(clip)"><rect x="\(n(left))" y="\(n(top))" width="\(n(plotWidth))" height="\(n(plotHeight))"/></clipPath></defs>
      <rect class="plot-area" x="\(n(left))" y="\(n(top))" width="\(n(plotWidth))" height="\(n(plotHeight))" fill="none" stroke="#888888"/>

      """
    // Axes with grid lines.
    out += "<g class=\"axis x\" data-scale=\"\(x.scaleName)\">\n"
    for t in x.ticks(in: xd) {
      let p = px(t)
      out +=
        "<line class=\"grid\" x1=\"\(n(p))\" y1=\"\(n(top))\" x2=\"\(n(p))\" y2=\"\(n(top + plotHeight))\" stroke=\"#e3e3e3\"/>"
        + SVG.text(
          x.tickLabel(t), x: p, y: top + plotHeight + 16, anchor: "middle",
          size: 11, className: "tick") + "\n"
    }
    out +=
      SVG.text(
        x.label, x: left + plotWidth / 2, y: top + plotHeight + 40,
        anchor: "middle", size: 13, className: "axis-label") + "\n</g>\n"
    out += SVG.yAxis(
      y, domain: yd, left: left, top: top, width: plotWidth,
      height: plotHeight, position: py)
    // Series.
    for s in series {
      let points = plotted(s.points).map { ChartPoint(px($0.x), py($0.y)) }
      let color = ChartStyle.color(s.styleIndex)
      let dash = s.dashed ? ChartStyle.dash(s.dashIndex ?? s.styleIndex) : ""
      out +=
        "<g class=\"series\" data-name=\"\(SVG.escape(s.name))\" data-style=\"\(s.style)\" data-points=\"\(points.count)\" clip-path=\"url(#\(clip))\">\n"
      switch s.style {
      case .band:
        let upper = plotted(s.upper).map { ChartPoint(px($0.x), py($0.y)) }
        if !points.isEmpty && !upper.isEmpty {
          let d =
            "M"
            + (points + upper.reversed()).map { "\(n($0.x)),\(n($0.y))" }
            .joined(separator: "L") + "Z"
          out +=
            "<path class=\"band\" d=\"\(d)\" fill=\"\(color)\" fill-opacity=\"0.18\" stroke=\"\(color)\" stroke-opacity=\"0.5\" stroke-width=\"0.8\"/>\n"
        }
      case .line, .lineAndMarkers, .markers:
        if s.style != .markers && points.count > 1 {
          let d =
            "M" + points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: "L")
          out +=
            "<path class=\"line\" d=\"\(d)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n"
        }
        if s.style != .line {
          for p in points {
            out += marker(s, at: p) + "\n"
          }
        }
      }
      out += "</g>\n"
    }
    for a in annotations where x.accepts(a.point.x) && y.accepts(a.point.y) {
      let p = ChartPoint(px(a.point.x), py(a.point.y))
      out +=
        "<g class=\"annotation\"><circle cx=\"\(n(p.x))\" cy=\"\(n(p.y))\" r=\"3\" fill=\"#000000\"/>"
        + SVG.text(
          a.text, x: p.x + 5, y: a.below ? p.y + 14 : p.y - 6, size: 10,
          className: "annotation-text")
        + "</g>\n"
    }
    out += legend(x: left + plotWidth + 14, y: top + 4)
    out += "</svg>\n"
    return out
  }

  /// A marker of series `s` centred at `p` (pixels).
  func marker(_ s: Series, at p: ChartPoint, size: Double = 4.2) -> String {
    let shape = ChartStyle.marker(s.styleIndex)
    let color = ChartStyle.color(s.styleIndex)
    let open = !s.filled || ChartStyle.isOpenShape(shape)
    // A cross or plus cannot be hollow: unfilled ones are drawn faint.
    let faint = !s.filled && ChartStyle.isOpenShape(shape)
    return
      "<path class=\"marker\" d=\"\(ChartStyle.path(shape, x: p.x, y: p.y, r: size))\" fill=\"\(open ? "#ffffff" : color)\" fill-opacity=\"\(open ? "0" : "0.9")\" stroke=\"\(open ? color : "#222222")\" stroke-width=\"\(open ? "1.6" : "0.6")\"\(faint ? " stroke-opacity=\"0.5\"" : "")/>"
  }

  /// The legend: one entry per named series, with its line, band or marker.
  func legend(x: Double, y: Double) -> String {
    let n = SVG.number
    var out = "<g class=\"legend\">\n"
    var row = 0.0
    for s in series where s.inLegend {
      let cy = y + row * 19 + 8
      let color = ChartStyle.color(s.styleIndex)
      out += "<g class=\"legend-entry\" data-name=\"\(SVG.escape(s.name))\">"
      switch s.style {
      case .band:
        out +=
          "<rect x=\"\(n(x))\" y=\"\(n(cy - 6))\" width=\"26\" height=\"12\" fill=\"\(color)\" fill-opacity=\"0.18\" stroke=\"\(color)\" stroke-opacity=\"0.5\"/>"
      case .line, .lineAndMarkers, .markers:
        if s.style != .markers {
          let dash =
            s.dashed ? ChartStyle.dash(s.dashIndex ?? s.styleIndex) : ""
          out +=
            "<line x1=\"\(n(x))\" y1=\"\(n(cy))\" x2=\"\(n(x + 26))\" y2=\"\(n(cy))\" stroke=\"\(color)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
        }
        if s.style != .line {
          out += marker(s, at: ChartPoint(x + 13, cy))
        }
      }
      let name = s.name.count > 36 ? String(s.name.prefix(35)) + "…" : s.name
      out += SVG.text(
        name, x: x + 32, y: cy + 4, size: 10.5, className: "legend-text")
      out += "</g>\n"
      row += 1
    }
    return out + "</g>\n"
  }
}

extension ChartAxis {
  /// `linear`, `log10` or `log2`, for `data-scale`.
  var scaleName: String {
    switch scale {
    case .linear: "linear"
    case .log(let base): "log\(Int(base))"
    }
  }
}

/// Stacked bars on a linear axis, one bar per category, written as SVG.
///
/// Each stack segment kind is a `<g class="series" data-name=…>` holding
/// one `<rect class="segment">` per category it is non-zero in; segments
/// differ in lightness and hatching, so they stay apart in greyscale. A
/// dashed reference line (capacity) may be drawn across the bars.
public struct StackedBarChart: Sendable {
  /// One kind of segment (weights, KV cache…), with a value per category.
  public struct Stack: Sendable, Hashable {
    /// The legend text.
    public var name: String
    /// One value per category, in axis units (negative values draw as 0).
    public var values: [Double]

    /// Creates a stack.
    public init(name: String, values: [Double]) {
      self.name = name
      self.values = values
    }
  }

  /// The title.
  public var title: String
  /// Short kind name for `data-kind` and element ids.
  public var kind: String
  /// A line under the title.
  public var subtitle: String
  /// Category labels along the bottom.
  public var categories: [String]
  /// Title of the category axis (with unit).
  public var categoryLabel: String
  /// The value axis (linear).
  public var y: ChartAxis
  /// Segments, bottom first.
  public var stacks: [Stack]
  /// A horizontal reference line: its legend text and value.
  public var reference: (name: String, value: Double)?
  /// Categories marked with a note above their bar (for example "does not
  /// fit").
  public var notes: [Int: String]
  /// Width in pixels.
  public var width = 840.0
  /// Height in pixels.
  public var height = 480.0

  /// Fills from dark to light, so segments stay apart in greyscale.
  static let fills = [
    "#1F3A5F", "#D55E00", "#6FA8DC", "#E6E6E6", "#009E73", "#CC79A7",
  ]

  /// Creates a chart.
  public init(
    title: String, kind: String, subtitle: String = "", categories: [String],
    categoryLabel: String, y: ChartAxis, stacks: [Stack],
    reference: (name: String, value: Double)? = nil, notes: [Int: String] = [:]
  ) {
    precondition(stacks.allSatisfy { $0.values.count == categories.count })
    self.title = title
    self.kind = kind
    self.subtitle = subtitle
    self.categories = categories
    self.categoryLabel = categoryLabel
    self.y = y
    self.stacks = stacks
    self.reference = reference
    self.notes = notes
  }

  /// The chart as an SVG document.
  public func svg() -> String {
    let n = SVG.number
    let left = 86.0
    let top = SVG.plotTop(subtitle: subtitle)
    let legendWidth = 250.0
    let plotWidth = width - left - legendWidth
    let plotHeight = height - top - 58
    var out = SVG.open(
      width: width, height: height, title: title, subtitle: subtitle,
      kind: kind)
    let totals = categories.indices.map { i in
      stacks.reduce(0) { $0 + max(0, $1.values[i]) }
    }
    let top0 = max(totals.max() ?? 0, reference?.value ?? 0)
    let domain = y.niceDomain(0, top0 > 0 ? top0 : 1)
    func py(_ v: Double) -> Double {
      top + (1 - y.fraction(v, in: domain)) * plotHeight
    }
    out += """
      <defs><pattern id="hatch-\(kind)" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#F4B183"/><line x1="0" y1="0" x2="0" y2="6" stroke="#7A3000" stroke-width="2"/></pattern></defs>
      <rect class="plot-area" x="\(n(left))" y="\(n(top))" width="\(n(plotWidth))" height="\(n(plotHeight))" fill="none" stroke="#888888"/>

      """
    out += SVG.yAxis(
      y, domain: domain, left: left, top: top, width: plotWidth,
      height: plotHeight, position: py)
    let slot = plotWidth / Double(max(1, categories.count))
    let barWidth = slot * 0.62
    out += "<g class=\"axis x\" data-scale=\"band\">\n"
    for (i, c) in categories.enumerated() {
      out +=
        SVG.text(
          c, x: left + slot * (Double(i) + 0.5), y: top + plotHeight + 16,
          anchor: "middle", size: 11, className: "tick") + "\n"
    }
    out +=
      SVG.text(
        categoryLabel, x: left + plotWidth / 2, y: top + plotHeight + 40,
        anchor: "middle", size: 13, className: "axis-label") + "\n</g>\n"
    var base = [Double](repeating: 0, count: categories.count)
    for (k, stack) in stacks.enumerated() {
      let fill =
        k == 1 ? "url(#hatch-\(kind))" : Self.fills[k % Self.fills.count]
      let count = stack.values.filter { $0 > 0 }.count
      out +=
        "<g class=\"series\" data-name=\"\(SVG.escape(stack.name))\" data-points=\"\(count)\">\n"
      for (i, v) in stack.values.enumerated() where v > 0 {
        let y0 = py(base[i])
        let y1 = py(base[i] + v)
        out +=
          "<rect class=\"segment\" x=\"\(n(left + slot * Double(i) + (slot - barWidth) / 2))\" y=\"\(n(y1))\" width=\"\(n(barWidth))\" height=\"\(n(max(0, y0 - y1)))\" fill=\"\(fill)\" stroke=\"#333333\" stroke-width=\"0.6\"><title>\(SVG.escape("\(stack.name): \(y.tickLabel(v))"))</title></rect>\n"
        base[i] += v
      }
      out += "</g>\n"
    }
    for (i, note) in notes.sorted(by: { $0.key < $1.key })
    where i < categories.count {
      out +=
        SVG.text(
          note, x: left + slot * (Double(i) + 0.5), y: py(base[i]) - 5,
          anchor: "middle", size: 10, className: "note",
          extra: " fill=\"#B00000\"")
        + "\n"
    }
    if let reference {
      let p = py(reference.value)
      out +=
        "<g class=\"reference\" data-name=\"\(SVG.escape(reference.name))\"><line x1=\"\(n(left))\" y1=\"\(n(p))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(p))\" stroke=\"#000000\" stroke-width=\"1.6\" stroke-dasharray=\"7 4\"/></g>\n"
    }
    // Legend, top segment first as the bars read.
    out += "<g class=\"legend\">\n"
    let lx = left + plotWidth + 14
    var row = 0.0
    for (k, stack) in stacks.enumerated().reversed() {
      let ly = top + 4 + row * 19
      let fill =
        k == 1 ? "url(#hatch-\(kind))" : Self.fills[k % Self.fills.count]
      out +=
        "<g class=\"legend-entry\" data-name=\"\(SVG.escape(stack.name))\"><rect x=\"\(n(lx))\" y=\"\(n(ly))\" width=\"22\" height=\"13\" fill=\"\(fill)\" stroke=\"#333333\" stroke-width=\"0.6\"/>"
        + SVG.text(
          stack.name, x: lx + 30, y: ly + 11, size: 11, className: "legend-text"
        )
        + "</g>\n"
      row += 1
    }
    if let reference {
      let ly = top + 4 + row * 19 + 6
      out +=
        "<g class=\"legend-entry\" data-name=\"\(SVG.escape(reference.name))\"><line x1=\"\(n(lx))\" y1=\"\(n(ly))\" x2=\"\(n(lx + 22))\" y2=\"\(n(ly))\" stroke=\"#000000\" stroke-width=\"1.6\" stroke-dasharray=\"7 4\"/>"
        + SVG.text(
          reference.name, x: lx + 30, y: ly + 4, size: 11,
          className: "legend-text")
        + "</g>\n"
    }
    return out + "</g>\n</svg>\n"
  }
}

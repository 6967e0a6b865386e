/// Colours, markers and dash patterns that tell series apart in colour and
/// in greyscale: the colours are Okabe & Ito's colour-blind-safe set, and
/// every series also differs in marker shape or dash pattern, which survive
/// a black-and-white printer.
public enum ChartStyle {
  /// Okabe & Ito (2008), "Color Universal Design", ordered for contrast.
  public static let colors = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
    "#000000", "#F0E442",
  ]
  /// Marker shapes, cycled independently of colours.
  public enum Marker: String, Sendable, Hashable, CaseIterable {
    case circle, square, triangle, diamond, cross, plus, invertedTriangle
  }
  /// Stroke dash patterns (SVG `stroke-dasharray`), `""` for solid.
  public static let dashes = ["", "7 4", "2 3", "9 3 2 3", "4 2", "12 4"]

  /// The colour of series `index`.
  public static func color(_ index: Int) -> String {
    colors[index % colors.count]
  }

  /// The marker of series `index`.
  public static func marker(_ index: Int) -> Marker {
    Marker.allCases[index % Marker.allCases.count]
  }

  /// The dash pattern of series `index`.
  public static func dash(_ index: Int) -> String {
    dashes[index % dashes.count]
  }

  /// SVG path data for `marker` centred at `(x, y)` with half-size `r`.
  static func path(_ marker: Marker, x: Double, y: Double, r: Double) -> String
  {
    func p(_ v: Double) -> String { SVG.number(v) }
    switch marker {
    case .circle:
      return
        "M\(p(x - r)),\(p(y))a\(p(r)),\(p(r)) 0 1,0 \(p(2 * r)),0a\(p(r)),\(p(r)) 0 1,0 \(p(-2 * r)),0Z"
    case .square:
      return "M\(p(x - r)),\(p(y - r))h\(p(2 * r))v\(p(2 * r))h\(p(-2 * r))Z"
    case .triangle:
      return
        "M\(p(x)),\(p(y - r * 1.2))L\(p(x + r)),\(p(y + r * 0.8))L\(p(x - r)),\(p(y + r * 0.8))Z"
    case .invertedTriangle:
      return
        "M\(p(x)),\(p(y + r * 1.2))L\(p(x + r)),\(p(y - r * 0.8))L\(p(x - r)),\(p(y - r * 0.8))Z"
    case .diamond:
      return
        "M\(p(x)),\(p(y - r * 1.3))L\(p(x + r)),\(p(y))L\(p(x)),\(p(y + r * 1.3))L\(p(x - r)),\(p(y))Z"
    case .cross:
      return
        "M\(p(x - r)),\(p(y - r))L\(p(x + r)),\(p(y + r))M\(p(x + r)),\(p(y - r))L\(p(x - r)),\(p(y + r))"
    case .plus:
      return "M\(p(x - r)),\(p(y))H\(p(x + r))M\(p(x)),\(p(y - r))V\(p(y + r))"
    }
  }

  /// Whether `marker` is drawn as lines only (no fill possible).
  static func isOpenShape(_ marker: Marker) -> Bool {
    marker == .cross || marker == .plus
  }
}

/// Small helpers for writing SVG text.
enum SVG {
  /// `value` with at most two decimals.
  static func number(_ value: Double) -> String {
    ChartAxis.trimmed(String(format: "%.2f", value))
  }

  /// `text` escaped for XML content and attribute values, Unicode scalar
  /// by scalar (a quote followed by a combining mark is one `Character`
  /// but still a quote to a parser); control characters XML forbids
  /// become U+FFFD.
  static func escape(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out.append(contentsOf: "&amp;".unicodeScalars)
      case "<": out.append(contentsOf: "&lt;".unicodeScalars)
      case ">": out.append(contentsOf: "&gt;".unicodeScalars)
      case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
      case "'": out.append(contentsOf: "&apos;".unicodeScalars)
      case "\t", "\n", "\r": out.append(scalar)
      default:
        let forbidden =
          scalar.value < 0x20 || scalar.value == 0xFFFE
          || scalar.value == 0xFFFF
        out.append(forbidden ? "\u{FFFD}" : scalar)
      }
    }
    return String(out)
  }

  /// A `<text>` element.
  static func text(
    _ content: String, x: Double, y: Double, anchor: String = "start",
    size: Double = 12, className: String, extra: String = ""
  ) -> String {
    "<text class=\"\(className)\" x=\"\(number(x))\" y=\"\(number(y))\" text-anchor=\"\(anchor)\" font-size=\"\(number(size))\"\(extra)>\(escape(content))</text>"
  }

  /// The opening of a document of `width` × `height` with a white ground,
  /// its title and, when not empty, a subtitle under it.
  static func open(
    width: Double, height: Double, title: String, subtitle: String,
    kind: String
  ) -> String {
    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" class="chart" data-kind="\(kind)" width="\(number(width))" height="\(number(height))" viewBox="0 0 \(number(width)) \(number(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
      <title>\(escape(title))</title>
      <rect class="background" x="0" y="0" width="\(number(width))" height="\(number(height))" fill="#ffffff"/>
      \(text(title, x: width / 2, y: 22, anchor: "middle", size: 15, className: "chart-title", extra: " font-weight=\"bold\""))

      """
    if !subtitle.isEmpty {
      out +=
        text(
          subtitle, x: width / 2, y: 40, anchor: "middle", size: 11,
          className: "subtitle", extra: " fill=\"#444444\"") + "\n"
    }
    return out
  }

  /// The top of the plot area under the title (and subtitle).
  static func plotTop(subtitle: String) -> Double {
    subtitle.isEmpty ? 40 : 56
  }

  /// The vertical axis of a plot spanning `left…left + width` and
  /// `top…top + height`: grid lines and labels at `axis`'s ticks in
  /// `domain` (placed by `position`), and the rotated axis title.
  static func yAxis(
    _ axis: ChartAxis, domain: ClosedRange<Double>, left: Double, top: Double,
    width: Double, height: Double, position: (Double) -> Double
  ) -> String {
    var out = "<g class=\"axis y\" data-scale=\"\(axis.scaleName)\">\n"
    for t in axis.ticks(in: domain) {
      let p = position(t)
      out +=
        "<line class=\"grid\" x1=\"\(number(left))\" y1=\"\(number(p))\" x2=\"\(number(left + width))\" y2=\"\(number(p))\" stroke=\"#e3e3e3\"/>"
        + text(
          axis.tickLabel(t), x: left - 6, y: p + 4, anchor: "end", size: 11,
          className: "tick") + "\n"
    }
    let cy = top + height / 2
    return out
      + text(
        axis.label, x: 18, y: cy, anchor: "middle", size: 13,
        className: "axis-label",
        extra: " transform=\"rotate(-90 18 \(number(cy)))\"") + "\n</g>\n"
  }
}

import Foundation

/// A report folder: `report.md`, a self-contained `report.html`, the charts
/// as SVG under `charts/` and the tables behind them as CSV under `data/`.
public struct ReportDocument: Sendable {
  /// One piece of a section.
  public enum Block: Sendable {
    /// A paragraph of plain text.
    case paragraph(String)
    /// A table, also written to `data/<name>.csv`.
    case table(name: String, ReportTable)
    /// A chart, written to `charts/<name>.svg` and inlined in the HTML.
    case chart(name: String, svg: String)
    /// Monospaced text (a command's table output).
    case preformatted(String)
  }

  /// A titled section.
  public struct Section: Sendable {
    /// The heading.
    public var heading: String
    /// The content, in order.
    public var blocks: [Block]

    /// Creates a section.
    public init(_ heading: String, _ blocks: [Block]) {
      self.heading = heading
      self.blocks = blocks
    }
  }

  /// The report's title.
  public var title: String
  /// The command that made it, printed under the title.
  public var command: String
  /// The sections.
  public var sections: [Section]

  /// Creates a document.
  public init(title: String, command: String, sections: [Section]) {
    self.title = title
    self.command = command
    self.sections = sections
  }

  /// Every file of the folder, by relative path.
  public func files() -> [String: String] {
    var files = ["report.md": markdown(), "report.html": html()]
    for block in sections.flatMap(\.blocks) {
      switch block {
      case .table(let name, let table): files["data/\(name).csv"] = table.csv()
      case .chart(let name, let svg): files["charts/\(name).svg"] = svg
      case .paragraph, .preformatted: break
      }
    }
    return files
  }

  /// `name` reduced to a safe file name: letters, digits, `.`, `_` and
  /// `-` kept, every other run of characters (a `/`, `..`, spaces) made
  /// one `-`, and no leading dot, so a model's name never leads a path
  /// out of the folder it is written in.
  public static func safeFileName(_ name: String) -> String {
    var out = ""
    var dashed = false
    for scalar in name.unicodeScalars {
      let keep =
        scalar.isASCII
        && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_"
          || scalar == "-" || scalar == ".")
      if keep {
        out.unicodeScalars.append(scalar)
        dashed = false
      } else if !dashed {
        out += "-"
        dashed = true
      }
    }
    out = out.replacingOccurrences(
      of: #"\.{2,}"#, with: "-", options: .regularExpression
    ).replacingOccurrences(of: "-{2,}", with: "-", options: .regularExpression)
    while out.hasPrefix(".") { out.removeFirst() }
    return out.isEmpty ? "report" : out
  }

  /// `text` with `&`, `<` and `>` as entities: Markdown passes raw HTML
  /// through, and names are the user's.
  static func markdownText(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;")
      .replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }

  /// The longest run of backticks in `text`.
  static func longestBacktickRun(_ text: String) -> Int {
    var longest = 0
    var run = 0
    for c in text {
      run = c == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    return longest
  }

  /// A code fence longer than any run of backticks in `text`.
  static func fence(for text: String) -> String {
    String(repeating: "`", count: max(3, longestBacktickRun(text) + 1))
  }

  /// The Markdown text, charts linked as images, tables inline.
  public func markdown() -> String {
    var out =
      "# \(Self.markdownText(title))\n\nMade by \(Self.inlineCode(command)).\n"
    for section in sections {
      out += "\n## \(Self.markdownText(section.heading))\n"
      for block in section.blocks {
        switch block {
        case .paragraph(let text): out += "\n\(Self.markdownText(text))\n"
        case .preformatted(let text):
          let f = Self.fence(for: text)
          out += "\n\(f)\n\(text)\(text.hasSuffix("\n") ? "" : "\n")\(f)\n"
        case .chart(let name, _): out += "\n![\(name)](charts/\(name).svg)\n"
        case .table(let name, let table):
          out +=
            "\n" + Self.markdownTable(table)
            + "\n[\(name).csv](data/\(name).csv)\n"
        }
      }
    }
    return out
  }

  /// The HTML page: styles, charts and tables inline, each CSV also
  /// embedded as a download link, so the file stands alone.
  public func html() -> String {
    var out = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"/><title>\(SVG.escape(title))</title>
      <style>
      body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#111}
      table{border-collapse:collapse;margin:.8em 0;font-size:13px}
      th,td{border:1px solid #bbb;padding:3px 8px;text-align:right}
      th:first-child,td:first-child{text-align:left}
      pre{background:#f4f4f4;padding:.8em;overflow-x:auto;font-size:12px}
      figure{margin:1em 0}
      svg{max-width:100%;height:auto}
      code{background:#f4f4f4;padding:1px 4px}
      </style></head><body>
      <h1>\(SVG.escape(title))</h1>
      <p>Made by <code>\(SVG.escape(command))</code>.</p>

      """
    for section in sections {
      out += "<h2>\(SVG.escape(section.heading))</h2>\n"
      for block in section.blocks {
        switch block {
        case .paragraph(let text): out += "<p>\(SVG.escape(text))</p>\n"
        case .preformatted(let text): out += "<pre>\(SVG.escape(text))</pre>\n"
        case .chart(let name, let svg):
          out += "<figure id=\"\(name)\">\n\(svg)</figure>\n"
        case .table(let name, let table):
          out += Self.htmlTable(table)
          let encoded =
            table.csv().addingPercentEncoding(
              withAllowedCharacters: .alphanumerics)
            ?? ""
          out +=
            "<p><a download=\"\(name).csv\" href=\"data:text/csv;charset=utf-8,\(encoded)\">\(name).csv</a></p>\n"
        }
      }
    }
    return out + "</body></html>\n"
  }

  /// `text` as inline code: backticks around it, more than any run
  /// inside it.
  static func inlineCode(_ text: String) -> String {
    let f = String(repeating: "`", count: longestBacktickRun(text) + 1)
    let pad = text.hasPrefix("`") || text.hasSuffix("`") ? " " : ""
    return f + pad + text + pad + f
  }

  /// `table` as a Markdown pipe table.
  static func markdownTable(_ table: ReportTable) -> String {
    func row(_ cells: [String]) -> String {
      "| "
        + cells.map {
          markdownText($0).replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\n", with: " ")
        }
        .joined(separator: " | ") + " |"
    }
    let (rows, omitted) = shown(table)
    var lines = [row(table.columns), row(table.columns.map { _ in "---" })]
    for (index, r) in rows.enumerated() {
      if omitted > 0 && index == shownRows / 2 {
        lines.append(
          row(
            ["… \(omitted) more rows in the CSV …"]
              + Array(repeating: "", count: table.columns.count - 1)))
      }
      lines.append(
        row(zip(table.columns, r).map { displayCell($1, column: $0) }))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Rows shown in a page's table; a longer table shows its first and
  /// last rows and says how many it leaves to its CSV.
  static let shownRows = 24

  /// `cell` of `column` as a reader wants it: seconds and bytes in human
  /// units, other numbers to four significant digits (the CSV keeps every
  /// digit, in SI units).
  static func displayCell(_ cell: String, column: String) -> String {
    guard ReportTable.isJSONNumber(cell), let value = Double(cell) else {
      return cell
    }
    let rate = column.contains("per_second")
    if column.contains("seconds") && !rate {
      return HumanUnits.seconds(value)
    }
    if column.contains("bytes") && !rate { return HumanUnits.bytes(value) }
    if column == "flops" || column.hasSuffix("_flops") {
      return HumanUnits.count(value)
    }
    if value == value.rounded() || abs(value) >= 1000, abs(value) < 1e15 {
      return String(Int64(value.rounded()))
    }
    return String(format: "%.4g", value)
  }

  /// The rows a page shows: all, or the first and last of a long table
  /// with a row in between saying how many are left out.
  static func shown(_ table: ReportTable) -> (rows: [[String]], omitted: Int) {
    guard table.rows.count > shownRows else { return (table.rows, 0) }
    let half = shownRows / 2
    return (
      Array(table.rows.prefix(half)) + Array(table.rows.suffix(half)),
      table.rows.count - 2 * half
    )
  }

  /// `table` as an HTML table in human units, in a scrolling container,
  /// long ones cut (their CSV, linked below, has every row).
  static func htmlTable(_ table: ReportTable) -> String {
    var out = "<div style=\"overflow-x:auto\"><table><thead><tr>"
    out += table.columns.map { "<th>\(SVG.escape($0))</th>" }.joined()
    out += "</tr></thead><tbody>\n"
    let (rows, omitted) = shown(table)
    for (index, r) in rows.enumerated() {
      if omitted > 0 && index == shownRows / 2 {
        out +=
          "<tr><td colspan=\"\(table.columns.count)\">… \(omitted) more rows in the CSV …</td></tr>\n"
      }
      out +=
        "<tr>"
        + zip(table.columns, r).map {
          "<td>\(SVG.escape(displayCell($1, column: $0)))</td>"
        }.joined() + "</tr>\n"
    }
    return out + "</tbody></table></div>\n"
  }
}

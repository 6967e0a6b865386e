import Foundation
import FoundationXML
import PerfIO
import Testing

@Suite("Hostile names in CSV, JSON, Markdown, HTML, SVG and paths")
struct InjectionTests {
  /// A quote followed by a combining acute accent: one `Character`, but
  /// a quote to every XML parser.
  static let combining = "x\"\u{301} onmouseover=alert(1) a="
  static let hostile = [
    "=HYPERLINK(\"http://x\",\"y\")", "<script>alert(1)</script>",
    "\"><svg onload=alert(1)>", combining, "nan", "@SUM(1)", "+1",
    "\tx", "a```b", "../../etc/passwd",
  ]

  @Test("an SVG naming a hostile series is well-formed XML and has no handler")
  func svg() throws {
    for name in Self.hostile {
      let chart = Self.chart(named: name)
      let svg = chart.svg()
      let parser = XMLParser(data: Data(svg.utf8))
      let attributes = AttributeNames()
      parser.delegate = attributes
      #expect(
        parser.parse(), "\(name): \(String(describing: parser.parserError))")
      // No attribute is opened by the name: the event handler stays text.
      #expect(!attributes.names.contains { $0.hasPrefix("on") }, "\(name)")
      #expect(!attributes.elements.contains("script"), "\(name)")
    }
  }

  @Test("a report page naming hostile models is well-formed and runs nothing")
  func reportPage() throws {
    for name in Self.hostile {
      let chart = Self.chart(named: name)
      let document = ReportDocument(
        title: name, command: "roofline report --model \(name)",
        sections: [
          ReportDocument.Section(
            name,
            [
              .paragraph(name), .preformatted(name),
              .chart(name: "c", svg: chart.svg()),
              .table(
                name: "t",
                ReportTable(columns: ["model", "x"], rows: [[name, "1"]])),
            ])
        ])
      let parser = XMLParser(data: Data(document.html().utf8))
      Self.expectInert(parser, name)
    }
  }

  /// A line chart whose title, axis and series are all `name`.
  static func chart(named name: String) -> XYChart {
    XYChart(
      title: name, kind: "t",
      x: ChartAxis(label: name, scale: .linear, format: .plain(digits: 0)),
      y: ChartAxis(label: "y", scale: .linear, format: .plain(digits: 0)),
      series: [
        XYChart.Series(
          name: name, points: [ChartPoint(1, 1), ChartPoint(2, 3)],
          style: .line, styleIndex: 0)
      ])
  }

  /// Expects `parser`'s document to be well-formed, with no event handler
  /// attribute and no script element.
  static func expectInert(_ parser: XMLParser, _ name: String) {
    let attributes = AttributeNames()
    parser.delegate = attributes
    #expect(
      parser.parse(), "\(name): \(String(describing: parser.parserError))")
    #expect(!attributes.names.contains { $0.hasPrefix("on") }, "\(name)")
    #expect(!attributes.elements.contains("script"), "\(name)")
  }

  /// Every element and attribute name a parse meets.
  final class AttributeNames: NSObject, XMLParserDelegate {
    var names: Set<String> = []
    var elements: Set<String> = []
    func parser(
      _ parser: XMLParser, didStartElement elementName: String,
      namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String]
    ) {
      elements.insert(elementName)
      names.formUnion(attributes.keys)
    }
  }

  @Test(
    "CSV cells a spreadsheet would run are neutralised; numbers stay numbers")
  func csv() {
    #expect(CSVWriter.neutralised("=HYPERLINK(1)") == "'=HYPERLINK(1)")
    #expect(CSVWriter.neutralised("@SUM(1)") == "'@SUM(1)")
    #expect(
      CSVWriter.neutralised("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0")
    #expect(CSVWriter.neutralised("-2+3") == "'-2+3")
    #expect(CSVWriter.neutralised("\tx") == "'\tx")
    for number in ["-1.5", "+12%", "-3.2e-05", "-", "+0.0%", "12"] {
      #expect(CSVWriter.neutralised(number) == number)
    }
    let table = ReportTable(
      columns: ["model", "seconds"], rows: [["=HYPERLINK(1)", "-0.5"]])
    #expect(
      table.csv() == "\"model\",\"seconds\"\n\"'=HYPERLINK(1)\",\"-0.5\"\n")
  }

  @Test("JSON writes numbers only in JSON's grammar; anything else is a string")
  func json() throws {
    let strings = [
      "nan", "0x1p3", "+1", "1,234", "inf", "01", "1.", ".5", "-", "1e", "1e+",
      "", "1.5.2", "2e3x",
    ]
    let numbers = [
      "1e3": 1000, "-2.5": -2.5, "0": 0, "-0": 0, "1.5E-3": 0.0015,
    ]
    let cells = strings + numbers.keys.sorted()
    let table = ReportTable(columns: cells.map { "c\($0)" }, rows: [cells])
    let text = table.json()
    let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
    let object = try #require((parsed as? [[String: Any]])?.first)
    for cell in strings {
      #expect(object["c\(cell)"] as? String == cell, "\(cell)")
    }
    for (cell, value) in numbers {
      #expect(
        (object["c\(cell)"] as? NSNumber)?.doubleValue == value, "\(cell)")
    }
  }

  @Test("Markdown escapes HTML and fences code longer than its backticks")
  func markdown() {
    let document = ReportDocument(
      title: "<script>alert(1)</script>",
      command: "roofline report --model a`b",
      sections: [
        ReportDocument.Section(
          "<b>h</b>",
          [
            .paragraph("<img src=x onerror=alert(1)>"),
            .preformatted("a ``` b"),
            .table(
              name: "t",
              ReportTable(columns: ["model"], rows: [["<i>x</i>|y"]])),
          ])
      ])
    let md = document.markdown()
    #expect(
      !md.contains("<script>") && !md.contains("<img") && !md.contains("<b>"))
    #expect(md.contains("&lt;script&gt;"))
    #expect(md.contains("\n````\na ``` b\n````\n"))
    #expect(md.contains("``roofline report --model a`b``"))
    #expect(md.contains("| &lt;i&gt;x&lt;/i&gt;\\|y |"))
  }

  @Test(
    "page tables show human units, cut long tables, and scroll; the CSV keeps all"
  )
  func pageTables() {
    var table = ReportTable(columns: [
      "model", "ttft_seconds", "kv_bytes", "output_tokens_per_second", "flops",
    ])
    for i in 0..<100 {
      table.append([
        "m\(i)", "0.0123456789", "1073741824", "20642.71234", "8.5e12",
      ])
    }
    let document = ReportDocument(
      title: "t", command: "c",
      sections: [ReportDocument.Section("s", [.table(name: "big", table)])])
    let md = document.markdown()
    #expect(md.contains("| m0 | 12.3 ms | 1.00 GiB | 20643 | 8.50 T |"))
    // 24 of 100 rows shown, the 76 others said to be in the CSV.
    #expect(md.contains("… 76 more rows in the CSV …"))
    let shown = md.split(separator: "\n").filter {
      $0.range(of: #"^\| m[0-9]"#, options: .regularExpression) != nil
    }
    #expect(shown.count == 24)
    let html = document.html()
    #expect(html.contains("<div style=\"overflow-x:auto\"><table>"))
    #expect(html.contains("… 76 more rows in the CSV …"))
    // The CSV has every row, in SI units.
    let csv = document.files()["data/big.csv"] ?? ""
    #expect(csv.split(separator: "\n").count == 101)
    #expect(csv.contains("\"0.0123456789\""))
  }

  @Test("a name never leads a path out of its folder")
  func fileNames() {
    for name in Self.hostile + ["..", ".hidden", "a/../../b", ""] {
      let safe = ReportDocument.safeFileName(name)
      #expect(
        !safe.contains("/") && !safe.contains("..") && !safe.hasPrefix("."))
      #expect(!safe.isEmpty)
    }
    #expect(
      ReportDocument.safeFileName("report-llama-3-8b-h200")
        == "report-llama-3-8b-h200")
    #expect(
      ReportDocument.safeFileName("report-../../x-h200") == "report-x-h200")
  }
}

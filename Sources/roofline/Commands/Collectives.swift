import ArgumentParser
import Foundation
import PerfIO
import PerfModel

extension RooflineCommand {
  /// `roofline collectives`: measured collectives and tensor-parallel
  /// layers against the interconnect model.
  struct Collectives: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Compare measured collectives (tools/measure_collectives.py) with the α-β link model.",
      discussion: """
        Each collective is predicted from the device's scale-up link (bandwidth at the
        default link efficiency, latency per step from the descriptor), then α and the
        bandwidth fraction are fitted per collective, library and rank count on two
        thirds of the sizes and checked on the held-out third. Summaries count messages
        of at least --min-bytes. tp-layer rows are predicted from the fitted all-reduce
        of their rank count and the descriptor's GEMM factors (its calibration: section,
        when present).
        """)

    @Option(help: "The collectives CSV.") var measured: String
    @Option(help: "A device or node whose scale-up link is compared.")
    var hardware: String
    @Option(
      parsing: .unconditional,
      help: "Smallest message the summaries count, bytes.")
    var minBytes: Int = 1 << 20
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
      let device = try catalog.load().hardware(hardware).device
      let rows: [MeasuredCollective]
      do { rows = try CollectiveCSV.load(measured) } catch {
        throw CommandError(error.description)
      }
      var collectives: [(CollectiveWorkload, Double)] = []
      for row in rows {
        if case .collective(let w) = row.workload {
          collectives.append((w, row.medianSeconds))
        }
      }
      do {
        let validation = try CollectiveValidation(collectives, on: device)
        var layers: [CollectiveReport.Layer] = []
        for row in rows {
          guard
            case .layer(let layer, let phase, let gemmBackend, let backend) =
              row.workload
          else { continue }
          layers.append(
            CollectiveReport.Layer(
              measured: row, layer: layer, phase: phase,
              predicted: try layer.seconds(
                on: device,
                gemmBackend: gemmBackend.isEmpty ? nil : gemmBackend,
                collectives: validation.calibration, backend: backend)))
        }
        let report = CollectiveReport(
          validation: validation, layers: layers, minimumBytes: Double(minBytes)
        )
        try output.emit(
          table: { report.text() }, csv: { report.residualTable().csv() },
          json: { report.residualTable().json() })
      } catch let error as PlanError {
        throw CommandError("--hardware: \(error.message)")
      }
    }
  }
}

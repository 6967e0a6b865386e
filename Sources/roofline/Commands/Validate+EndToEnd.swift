import ArgumentParser
import Foundation
import PerfIO
import PerfModel

extension RooflineCommand.Validate {
  /// `--end-to-end FILE`: predicts each measured whole-model phase on
  /// `--hardware` as it is (its calibration, if any; nothing refitted)
  /// and prints the residuals.
  func runEndToEnd(_ path: String) throws {
    guard let hardware else {
      throw ValidationError(
        "--end-to-end needs --hardware NAME: the descriptor to predict the measurements on"
      )
    }
    let started = Self.timestamp()
    let store = try RunStore(path: try Self.storePath(db))
    let catalogue = try catalog.load()
    let (device, descriptorText, _) = try loadDescriptor()
    let cases = try EndToEndCSV.load(path)
    var models: [String: ModelArchitecture] = [:]
    for c in cases where models[c.model] == nil {
      do {
        models[c.model] = try catalogue.model(c.model)
      } catch {
        throw ValidationError(
          "\(path): row \(c.row): column model: \(error.description)")
      }
    }
    let results: [EndToEndResult]
    do {
      results = try EndToEndValidation.predict(
        cases, on: device, hostSpeed: hostSpeed
      ) {
        c throws(PlanError) in
        guard let model = models[c.model] else {
          throw PlanError(.engine, "row \(c.row): no model \(c.model)")
        }
        return model
      }
    } catch {
      throw CommandError(planError: error, defaultedTP: false)
    }
    var report = EndToEndReport(results: results, hardware: hardware)
    report.hostSpeed = hostSpeed
    var record = RunRecord(
      startedAt: started, finishedAt: Self.timestamp(),
      command: CommandLine.arguments.joined(separator: " "), source: path,
      machineName: hardware,
      descriptorName: hardware, descriptorYAML: descriptorText, build: nil,
      cases: [],
      summaries: report.summaries().map {
        RunRecord.Summary(
          model: "end-to-end/\($0.engine)", subset: "all",
          kernel: "\($0.model) \($0.phase)", residuals: $0.residuals)
      })
    record.phases = results
    let runID = try store.record(record)
    try output.emit(
      table: { report.text() + "\nrun \(runID) stored in \(store.path)\n" },
      csv: { report.residualTable().csv() },
      json: { report.residualTable().json() })
  }
}

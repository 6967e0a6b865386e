import ArgumentParser
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
    let catalogue = try catalog.load()
    let device = try catalogue.device(hardware)
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
      results = try EndToEndValidation.predict(cases, on: device) {
        c throws(PlanError) in
        guard let model = models[c.model] else {
          throw PlanError(.engine, "row \(c.row): no model \(c.model)")
        }
        return model
      }
    } catch {
      throw CommandError(planError: error, defaultedTP: false)
    }
    let report = EndToEndReport(results: results, hardware: hardware)
    try output.emit(
      table: { report.text() },
      csv: { report.residualTable().csv() },
      json: { report.residualTable().json() })
  }
}

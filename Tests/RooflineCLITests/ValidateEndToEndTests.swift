import Foundation
import TestSupport
import Testing

@Suite("roofline validate --end-to-end: whole-model phases against predictions")
struct ValidateEndToEndTests {
  static let header =
    "model,engine,fusion_profile,launch_mode,phase,batch,prompt_tokens,context_tokens,repetitions,median_seconds,min_seconds,kernels,device"

  @Test("each row is predicted once; its error is measured against that")
  func residuals() throws {
    // The same decode step measured at 10 ms and at 20 ms: one prediction
    // p, errors (p − 0.01)/0.01 and (p − 0.02)/0.02, so 1 + e₁ = 2(1 + e₂).
    let csv = [
      Self.header,
      "llama-3-8b,reference,torch,graph,decode,1,,1024,10,0.01,0.01,837,H200",
      "llama-3-8b,reference,torch,graph,decode,1,,1024,10,0.02,0.02,837,H200",
      "llama-3-8b,hf,hf,eager,prefill,2,512,,10,0.05,0.05,,H200",
    ].joined(separator: "\n")
    let path = try ValidateCommandTests.write(csv, "e2e.csv")
    let db = try Repository.temporaryFolder() + "/e2e-runs.sqlite"
    let r = try CommandRunner.run([
      "validate", "--end-to-end", path, "--hardware", "h200", "--format", "csv",
      "--db", db,
    ])
    #expect(r.status == 0, "\(r.error)")
    let rows = r.output.split(separator: "\n").dropFirst().map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map {
        String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      }
    }
    #expect(rows.count == 3)
    let errors = rows.compactMap { Double($0[10]) }
    #expect(errors.count == 3)
    #expect(
      approximately(1 + errors[0], 2 * (1 + errors[1]), relativeTolerance: 1e-9)
    )
    // The torch profile lists 24 kernels a layer and 4 more: 32·24 + 4.
    #expect(rows[0][12] == "772")
    let table = try CommandRunner.run([
      "validate", "--end-to-end", path, "--hardware", "h200", "--db", db,
    ])
    #expect(table.output.contains("not calibrated on h200"))
    // Each run is stored, the second after the first.
    #expect(table.output.contains("run 2 stored in \(db)"))
  }

  @Test(
    "bad rows are refused naming the row and column",
    arguments: [
      (
        "llama-3-8b,reference,tgi,graph,decode,1,,1024,10,0.01,0.01,,H200",
        "row 2: column fusion_profile: unknown fusion profile \"tgi\""
      ),
      (
        "llama-3-8b,reference,torch,lazy,decode,1,,1024,10,0.01,0.01,,H200",
        "row 2: column launch_mode"
      ),
      (
        "llama-3-8b,reference,torch,graph,decode,1,,,10,0.01,0.01,,H200",
        "row 2: column context_tokens"
      ),
      (
        "llama-9b,reference,torch,graph,decode,1,,1024,10,0.01,0.01,,H200",
        "row 2: column model"
      ),
    ])
  func badRows(row: String, message: String) throws {
    let path = try ValidateCommandTests.write(
      Self.header + "\n" + row + "\n", "bad-e2e.csv")
    let r = try CommandRunner.run([
      "validate", "--end-to-end", path, "--hardware", "h200", "--db",
      try Repository.temporaryFolder() + "/bad-e2e.sqlite",
    ])
    #expect(r.status != 0)
    #expect(r.error.contains(message), "stderr: \(r.error)")
  }
}

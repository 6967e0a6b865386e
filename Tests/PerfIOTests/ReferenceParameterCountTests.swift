import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

/// Every model's parameter count against transformers' own classes.
///
/// `Tests/Resources/hf-configs/reference-counts.json` holds the counts
/// `tools/count_parameters.py` took by building each config's
/// transformers model on the meta device (its versions are in the file):
/// the parameters, and the checkpoint tensors transformers keeps as
/// persistent buffers (DeepSeek-V3's `e_score_correction_bias`), which
/// roofline counts as parameters since the checkpoint stores and the
/// device holds them; tables transformers derives from the config
/// (MiniMax's Lightning decay factors, `derived_buffer_elements`) are not
/// weights and are left out. A multimodal wrapper's total is the language
/// model's plus the vision encoder's and the projector's, each equal too.
@Suite("Parameter counts equal transformers' for every config")
struct ReferenceParameterCountTests {
  static let folders = [
    "Tests/Resources/hf-configs", "reports/e2e/configs", "workloads",
  ]

  struct Reference {
    var file: String
    var total: Int
    var buffers: Int
    var vision: Int?
    var projector: Int?
  }

  static func references() throws -> [Reference] {
    let path =
      Repository.root + "/Tests/Resources/hf-configs/reference-counts.json"
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let object = try #require(
      try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return object.keys.sorted().filter { !$0.hasPrefix("_") }.compactMap {
      key in
      guard let entry = object[key] as? [String: Any],
        let total = entry["total_parameters"] as? Int
      else { return nil }
      return Reference(
        file: key, total: total,
        buffers: entry["persistent_buffer_elements"] as? Int ?? 0,
        vision: entry["vision_tower_parameters"] as? Int
          ?? entry["vision_model_parameters"] as? Int,
        projector: entry["multi_modal_projector_parameters"] as? Int)
    }
  }

  @Test("at least 25 configs, every one equal to transformers' count")
  func counts() throws {
    let references = try Self.references()
    #expect(references.count >= 25)
    let catalog = try Catalog(root: Repository.root)
    for r in references {
      let path = try #require(
        Self.folders.map { Repository.root + "/" + $0 + "/" + r.file }
          .first { FileManager.default.fileExists(atPath: $0) },
        "\(r.file) is in none of the config folders")
      let model = try catalog.model(path)
      let encoder = model.vision?.encoderParameters ?? 0
      let projector = model.vision?.projectorParameters ?? 0
      let ours = Int(model.totalParameters) + encoder + projector
      #expect(
        ours == r.total + r.buffers,
        "\(r.file): roofline \(ours), transformers \(r.total) + \(r.buffers) in buffers"
      )
      if let vision = r.vision {
        #expect(encoder == vision, "\(r.file): vision encoder")
      }
      if let p = r.projector {
        #expect(projector == p, "\(r.file): projector")
      }
    }
  }
}

import ArgumentParser
import PerfModel

/// `--engine`: whose kernels a prediction lists and how they launch.
struct EngineOption: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Engine whose kernels are priced: minimal, torch, hf or vllm.",
      discussion:
        "minimal lists projections, norms, attention and collectives only (short kernels not modelled); torch is this project's reference PyTorch implementation (prefill eager, decode in a CUDA graph), hf transformers' model classes (eager), vllm a fused engine (decode in a CUDA graph)."
    ))
  var engine = "minimal"

  func validate() throws {
    _ = try profile()
  }

  /// The named profile.
  func profile() throws -> EngineProfile {
    do {
      return try EngineProfile.named(engine)
    } catch {
      throw ValidationError("--engine: \(error.message)")
    }
  }
}

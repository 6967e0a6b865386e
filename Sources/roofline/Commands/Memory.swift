import ArgumentParser
import PerfIO
import PerfModel

extension RooflineCommand {
  /// `roofline memory`: weights, KV cache, and what fits.
  struct Memory: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Weights, KV cache and state, and what fits: max concurrency and max context.",
      discussion: """
        Per device: capacity − reserve − weights − activation workspace is left for the
        KV cache and recurrent state. --devices defaults to the hardware's device count
        (8 for a node such as dgx-h100; tp × pp for a single device); --tp defaults to
        devices / pp; the remaining factor is data-parallel replicas.
        """)

    @Option(
      help:
        "Model: a workloads/ name, a workload YAML, or a Hugging Face config.json."
    )
    var model = "llama-3-8b"
    @Option(
      help: "Hardware: a device, node or cluster name, or a descriptor path.")
    var hardware = "h100-sxm"
    @Option(
      help:
        "Devices to use (default: all of a node's or cluster's; tp × pp of a device)."
    )
    var devices: Int?
    @Option(help: "Tensor-parallel degree (default: devices / pp).") var tp:
      Int?
    @Option(help: "Pipeline-parallel degree.") var pp: Int = 1
    @Option(help: "Tokens per request (prompt plus output).") var context: Int =
      8192
    @Option(help: "Concurrent requests over the deployment.") var batch: Int = 1
    @Option(
      name: .customLong("kv-dtype"),
      help:
        "KV cache and state type: fp32, bf16, fp16, fp8, int8, int4 (default: the model's torch_dtype)."
    )
    var kvDataType: DataType?
    @Option(
      name: .customLong("weight-dtype"),
      help:
        "Layer weight type (default: the checkpoint's quantization, else its torch_dtype)."
    )
    var weightDataType: DataType?
    @Option(name: .customLong("activation-dtype"), help: "Activation type.")
    var activationDataType: DataType = .bf16
    @Option(help: "Fraction of device memory held back for the runtime.")
    var reserveFraction: Double = 0.10
    @Option(help: "Tokens per forward pass that size the activation workspace.")
    var workspaceTokens: Int = 8192
    @Option(help: "Rows of fp32 logits per step.") var logitRows: Int = 256
    @Flag(help: "Allow a context beyond the model's max_position_embeddings.")
    var force = false
    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
      if let devices, devices < 1 {
        throw ValidationError("--devices must be at least 1")
      }
      if let tp, tp < 1 { throw ValidationError("--tp must be at least 1") }
      if pp < 1 { throw ValidationError("--pp must be at least 1") }
      if context < 1 {
        throw ValidationError("--context must be at least 1 token")
      }
      if batch < 1 {
        throw ValidationError("--batch must be at least 1 request")
      }
      if !(reserveFraction >= 0 && reserveFraction < 1) {
        throw ValidationError("--reserve-fraction must be in [0, 1), e.g. 0.1")
      }
      if workspaceTokens < 1 {
        throw ValidationError("--workspace-tokens must be at least 1")
      }
      if logitRows < 0 {
        throw ValidationError("--logit-rows must be 0 or more")
      }
      for (flag, type) in [
        ("--kv-dtype", kvDataType), ("--weight-dtype", weightDataType),
      ] {
        if type == .tf32 || type == .fp64 {
          throw ValidationError(
            "\(flag) \(type?.rawValue ?? ""): use fp32, bf16, fp16, fp8, int8 or int4"
          )
        }
      }
      if ![.fp32, .bf16, .fp16].contains(activationDataType) {
        throw ValidationError("--activation-dtype: use fp32, bf16 or fp16")
      }
    }

    func run() throws {
      let c = try catalog.load()
      let model = try c.model(self.model)
      let target = try c.hardware(hardware)
      // A single device multiplies to what --tp and --pp ask for; a node or
      // cluster offers its own count.
      var deviceCount = devices ?? target.deviceCount
      if case .device = target {
        deviceCount = devices ?? (tp ?? 1) * pp
      } else if deviceCount > target.deviceCount {
        throw CommandError(
          "--devices \(deviceCount) exceeds the \(target.deviceCount) devices of \(target.name)"
        )
      }
      let tensor = tp ?? max(deviceCount / pp, 1)
      guard deviceCount % (tensor * pp) == 0 else {
        throw CommandError(
          "--devices \(deviceCount) is not a multiple of --tp \(tensor) × --pp \(pp); the remainder would idle"
        )
      }
      let weights =
        weightDataType ?? model.quantizedWeightDataType ?? model.weightDataType
      let scenario = MemoryScenario(
        contextTokens: context, batch: batch, weightFormat: .weights(weights),
        cacheFormat: .cache(kvDataType ?? model.weightDataType),
        activationDataType: activationDataType,
        plan: ParallelPlan(
          tensorParallel: tensor, pipelineParallel: pp,
          dataParallel: deviceCount / (tensor * pp)),
        reserveFraction: reserveFraction, workspaceTokens: workspaceTokens,
        logitRows: logitRows, allowBeyondModelContext: force)
      let estimate: MemoryEstimate
      do {
        estimate = try MemoryModel.estimate(model, on: target.device, scenario)
      } catch {
        throw CommandError(planError: error, defaultedTP: tp == nil)
      }
      let report = MemoryReport(
        model: model.name, hardware: target.name, device: target.device.name,
        scenario: scenario, estimate: estimate)
      try output.emit(
        table: { report.text() }, csv: { report.table().csv() },
        json: { JSONOutput.encode(report) })
    }
  }
}

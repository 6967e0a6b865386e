import ArgumentParser
import PerfIO
import PerfModel

/// The flags that describe what is served and how it is split, shared by
/// every command that sizes or times a deployment.
struct ScenarioOptions: ParsableArguments {
  @Option(
    help:
      "Model: a workloads/ name, a workload YAML, or a Hugging Face config.json."
  )
  var model = "llama-3-8b"
  @Option(
    help: "Hardware: a device, node or cluster name, or a descriptor path.")
  var hardware = "h100-sxm"
  @Option(
    help: "A scenario from workloads/scenarios (or a path); flags override it.")
  var scenario: String?
  @Option(
    parsing: .unconditional,
    help: "Devices (default: a node's or cluster's count; tp × pp of a device)."
  )
  var devices: Int?
  @Option(
    parsing: .unconditional,
    help: "Tensor-parallel degree (default: devices / (pp · cp)).")
  var tp: Int?
  @Option(
    parsing: .unconditional, help: "Pipeline-parallel degree (default 1).")
  var pp: Int?
  @Option(
    parsing: .unconditional,
    help:
      "Context-parallel degree: the prompt and KV cache split by position."
  )
  var cp: Int = 1
  @Option(
    name: .customLong("cp-strategy"),
    help: "How context-parallel ranks attend.")
  var cpStrategy: ParallelPlan.ContextStrategy = .ring
  @Option(
    parsing: .unconditional,
    help:
      "Expert-parallel degree: 1, or --tp to give each rank whole experts."
  )
  var ep: Int = 1
  @Option(
    name: .customLong("micro-batches"), parsing: .unconditional,
    help: "Micro-batches per replica for the pipeline.")
  var microBatches: Int = 1
  @Option(
    parsing: .unconditional,
    help:
      "Tokens per request, prompt and output (default: prompt + output, else 8192 or the model's limit if shorter); the output is 256 (at most half), the prompt the rest."
  )
  var context: Int?
  @Option(parsing: .unconditional, help: "Prompt tokens per request.")
  var promptTokens: Int?
  @Option(parsing: .unconditional, help: "Generated tokens per request.")
  var outputTokens: Int?
  @Option(
    parsing: .unconditional,
    help: "Concurrent requests over the deployment (default 1).")
  var batch: Int?
  @Option(
    name: .customLong("kv-dtype"),
    help:
      "KV cache and state type: fp32, bf16, fp16, fp8, int8, int4, int2 (default: torch_dtype)."
  )
  var kvDataType: DataType?
  @OptionGroup var cache: CacheTechniqueOptions
  @Option(
    name: .customLong("weight-dtype"),
    help:
      "Layer weight type: fp32, bf16, fp16, fp8, int8, fp6, fp4, int4 (default: the checkpoint's quantization, else torch_dtype)."
  )
  var weightDataType: DataType?
  @Option(
    name: .customLong("activation-dtype"),
    help: ArgumentHelp(
      "Activation type: fp32, bf16, fp16, or fp8 / fp4 (default bf16).",
      discussion:
        "fp8 and fp4 quantize the inputs of the matrix products (W8A8, W4A4 serving) and need weights of the same type (--weight-dtype or the checkpoint's) and a device with that matrix peak; attention, norms and the residual stream stay bf16."
    ))
  var activationDataType: DataType?
  @Option(
    parsing: .unconditional,
    help: "Fraction of device memory held back for the runtime.")
  var reserveFraction: Double = 0.10
  @Option(
    parsing: .unconditional,
    help: "Tokens per forward pass that size the activation workspace.")
  var workspaceTokens: Int = 8192
  @Option(parsing: .unconditional, help: "Rows of fp32 logits per step.")
  var logitRows: Int = 256
  @Flag(help: "Allow a context beyond the model's max_position_embeddings.")
  var force = false

  /// The most tokens a request may hold (67M), the most requests (1M) and
  /// devices (1M), and the largest parallel degree (65536): beyond them
  /// the sizes the models multiply would overflow.
  static let maxTokens = 1 << 26
  static let maxBatch = 1 << 20
  static let maxDegree = 1 << 16

  func validate() throws {
    for (flag, value, most) in [
      ("--devices", devices, Self.maxBatch), ("--tp", tp, Self.maxDegree),
      ("--pp", pp, Self.maxDegree), ("--cp", cp, Self.maxDegree),
      ("--ep", ep, Self.maxDegree),
      ("--micro-batches", microBatches, Self.maxDegree),
      ("--context", context, Self.maxTokens),
      ("--prompt-tokens", promptTokens, Self.maxTokens),
      ("--batch", batch, Self.maxBatch),
      ("--workspace-tokens", workspaceTokens, Self.maxTokens),
    ] {
      if let value, value < 1 {
        throw ValidationError("\(flag) must be at least 1, got \(value)")
      }
      if let value, value > most {
        throw ValidationError(
          "\(flag) \(value) is beyond what the models compute; at most \(most)")
      }
    }
    if let outputTokens, outputTokens < 0 || outputTokens > Self.maxTokens {
      throw ValidationError(
        "--output-tokens must be 0 to \(Self.maxTokens), got \(outputTokens)")
    }
    if logitRows > Self.maxTokens {
      throw ValidationError("--logit-rows: at most \(Self.maxTokens)")
    }
    if context != nil, promptTokens != nil || outputTokens != nil {
      throw ValidationError(
        "give either --context or --prompt-tokens/--output-tokens")
    }
    if !(reserveFraction >= 0 && reserveFraction < 1) {
      throw ValidationError("--reserve-fraction must be in [0, 1), e.g. 0.1")
    }
    if workspaceTokens < 1 {
      throw ValidationError("--workspace-tokens must be at least 1")
    }
    if logitRows < 0 { throw ValidationError("--logit-rows must be 0 or more") }
    if cache.kvResidualTokens != nil, let kv = kvDataType,
      kv.bytesPerElement >= 2
    {
      throw ValidationError(
        "--kv-residual-tokens keeps recent tokens in fp16 beside a quantized cache; --kv-dtype \(kv.rawValue) is not quantized (use int8, int4, int2 or fp8)"
      )
    }
    if weightDataType == .int2 {
      throw ValidationError(
        "--weight-dtype int2: int2 is a KV-cache format here; use int4, fp4 or wider for weights"
      )
    }
    for (flag, type) in [
      ("--kv-dtype", kvDataType), ("--weight-dtype", weightDataType),
    ] {
      if let type, type == .tf32 || type == .fp64 {
        throw ValidationError(
          "\(flag) \(type.rawValue): use fp32, bf16, fp16, fp8, int8, fp6, fp4 or int4"
        )
      }
    }
    if let activationDataType,
      ![.fp32, .bf16, .fp16, .fp8, .fp4].contains(activationDataType)
    {
      throw ValidationError(
        "--activation-dtype \(activationDataType.rawValue): use fp32, bf16, fp16, fp8 or fp4"
      )
    }
  }

  /// What the flags, the scenario file and the defaults resolve to, in that
  /// order of precedence.
  struct Resolved {
    var model: ModelArchitecture
    var target: HardwareTarget
    var scenario: MemoryScenario
    var defaultedTP: Bool
    /// Prompt tokens (flag, else scenario file, else 1024; with
    /// `--context`, the context less the output).
    var promptTokens: Int
    /// Output tokens (flag, else scenario file, else 256; with `--context`,
    /// at most half of it).
    var outputTokens: Int
    /// Where the context came from, for messages: the flags that set it,
    /// the scenario file, or the default.
    var contextSource: String
  }

  func resolve(_ catalog: Catalog) throws -> Resolved {
    let model = try catalog.model(self.model)
    let target = try catalog.hardware(hardware)
    var preset: ScenarioSpec?
    if let scenario { preset = try catalog.scenario(scenario) }
    let pp = self.pp ?? preset?.pipelineParallel ?? 1
    let tp = self.tp ?? preset?.tensorParallel
    // Unset, the context is 8192 tokens or the model's limit if shorter.
    var context = self.context ?? min(8192, model.maxContextTokens)
    var contextSource =
      self.context != nil
      ? "--context" : "the default context (\(context) tokens)"
    if self.context == nil, let prompt = promptTokens ?? preset?.promptTokens {
      context = prompt + (outputTokens ?? preset?.outputTokens ?? 0)
      contextSource =
        promptTokens != nil || outputTokens != nil
        ? "--prompt-tokens + --output-tokens"
        : "the scenario \(scenario ?? "")'s prompt_tokens + output_tokens"
    }
    // A single device multiplies to what tp and pp ask for; a node or
    // cluster offers its own count.
    var count = devices ?? target.deviceCount
    if case .device = target {
      count = devices ?? (tp ?? 1) * pp * cp
    } else if count > target.deviceCount {
      throw CommandError(
        "--devices \(count) exceeds the \(target.deviceCount) devices of \(target.name)"
      )
    }
    let tensor = tp ?? max(count / (pp * cp), 1)
    guard count % (tensor * pp * cp) == 0 else {
      throw CommandError(
        "--devices \(count) is not a multiple of --tp \(tensor) × --pp \(pp) × --cp \(cp); the remainder would idle"
      )
    }
    let weights = model.weightFormat(
      override: weightDataType ?? preset?.weightDataType)
    let activation =
      activationDataType ?? preset?.activationDataType ?? .bf16
    try Self.checkQuantizedActivations(
      activation, weights: weights, device: target.device)
    let scenario = MemoryScenario(
      contextTokens: context, batch: batch ?? preset?.batch ?? 1,
      weightFormat: weights,
      cacheFormat: cache.format(
        kvDataType ?? preset?.cacheDataType ?? model.weightDataType),
      activationDataType: activation,
      plan: ParallelPlan(
        tensorParallel: tensor, pipelineParallel: pp,
        dataParallel: count / (tensor * pp * cp), contextParallel: cp,
        contextStrategy: cpStrategy, expertParallel: ep,
        microBatches: microBatches),
      reserveFraction: reserveFraction, workspaceTokens: workspaceTokens,
      logitRows: logitRows, allowBeyondModelContext: force)
    try cache.check(context: context, source: contextSource)
    var prompt = promptTokens ?? preset?.promptTokens ?? 1024
    var output = outputTokens ?? preset?.outputTokens ?? 256
    if let context = self.context {
      // --context is the whole request: the output (the scenario's, else
      // 256) and the prompt that fills the rest.
      output = min(preset?.outputTokens ?? 256, context / 2)
      prompt = context - output
    }
    return Resolved(
      model: model, target: target, scenario: scenario, defaultedTP: tp == nil,
      promptTokens: prompt, outputTokens: output, contextSource: contextSource)
  }

  /// fp8 or fp4 activations feed W8A8 or W4A4 matrix products: the layer
  /// weights must be of that type and the device must have its peak.
  static func checkQuantizedActivations(
    _ activation: DataType, weights: StorageFormat, device: DeviceSpec
  ) throws {
    guard activation.bytesPerElement < 2 else { return }
    let name = activation.rawValue
    let weightType = weights.quantization?.computeType ?? weights.dataType
    guard weightType == activation else {
      throw CommandError(
        "--activation-dtype \(name) runs \(name) matrix products, but the weights are \(weights.quantization == nil ? weights.dataType.rawValue : "a weight-only quantized checkpoint"); add --weight-dtype \(name) (or use a W8A8/W4A4 checkpoint)"
      )
    }
    guard device.compute.matrixFLOPsPerSecond[activation] != nil else {
      let listed = device.compute.matrixFLOPsPerSecond.keys.sorted()
        .map(\.rawValue).joined(separator: ", ")
      throw CommandError(
        "--activation-dtype \(name): \(device.name) has no \(name) matrix peak (its descriptor lists \(listed)); pick a device with one (fp4: B200 and newer)"
      )
    }
  }
}

import PerfModel

/// Reads a scenario (`workloads/scenarios/NAME.yaml`).
///
///     name, source, prompt_tokens, output_tokens, batch, weight_dtype,
///     kv_dtype, activation_dtype, tensor_parallel, pipeline_parallel
enum ScenarioDecoder {
  static func decode(_ r: YAMLNodeReader) throws(DescriptorError)
    -> ScenarioSpec
  {
    try r.rejectUnknownKeys([
      "name", "source", "prompt_tokens", "output_tokens", "batch",
      "weight_dtype", "kv_dtype",
      "activation_dtype", "tensor_parallel", "pipeline_parallel", "notes",
    ])
    func type(_ key: String) throws(DescriptorError) -> DataType? {
      guard let text = try r.optionalString(key) else { return nil }
      guard let type = DataType(spelling: text) else {
        throw r.error(
          .type, key,
          "unknown data type \"\(text)\"; use one of \(DataType.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      return type
    }
    return ScenarioSpec(
      name: try r.string("name"), source: try r.string("source"),
      promptTokens: try r.optionalInt("prompt_tokens"),
      outputTokens: try r.optionalInt("output_tokens", .nonNegative),
      batch: try r.optionalInt("batch"),
      weightDataType: try type("weight_dtype"),
      cacheDataType: try type("kv_dtype"),
      activationDataType: try type("activation_dtype"),
      tensorParallel: try r.optionalInt("tensor_parallel"),
      pipelineParallel: try r.optionalInt("pipeline_parallel"))
  }
}

extension Catalog {
  /// Loads the scenario `nameOrPath`.
  public func scenario(_ nameOrPath: String) throws(DescriptorError)
    -> ScenarioSpec
  {
    let path = try file(nameOrPath, in: .scenarios, what: "scenario")
    return try ScenarioDecoder.decode(reader(path, expectName: true))
  }
}

import PerfModel

/// Descriptors read from text already in memory (a fuzzer's input, a
/// file fetched elsewhere), with the same checks and errors as the
/// catalogue's files; `path` names the text in errors.
public enum DescriptorText {
  /// A workload YAML or a Hugging Face `config.json`.
  public static func model(_ text: String, path: String)
    throws(DescriptorError) -> ModelArchitecture
  {
    let r = try YAMLNodeReader.parse(text, path: path)
    return try ModelConfigDecoder.decode(
      r, name: try r.optionalString("name") ?? path)
  }

  /// A device descriptor.
  public static func device(_ text: String, path: String)
    throws(DescriptorError) -> DeviceSpec
  {
    try DeviceDecoder.decode(YAMLNodeReader.parse(text, path: path))
  }

  /// A scenario file.
  public static func scenario(_ text: String, path: String)
    throws(DescriptorError) -> ScenarioSpec
  {
    try ScenarioDecoder.decode(YAMLNodeReader.parse(text, path: path))
  }
}

/// One operator of a phase's graph, on one device (one tensor-parallel rank
/// of one pipeline stage), repeated `count` times (identical layers fold).
public struct Operator: Sendable, Hashable, Codable {
  /// What the operator does, for grouping and for efficiency factors.
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    case embedding, norm, projection, attention, mlp, router, experts
    case convolution, scan, linearAttention, lmHead, allReduce
    /// A collective other than the tensor-parallel all-reduce: expert
    /// dispatch and combine, Ulysses' head exchange, a pipeline hand-off.
    case communication
  }

  /// A readable name (`layers 0–31 qkv_proj`).
  public var name: String
  /// What the operator does.
  public var kind: Kind
  /// How many identical instances the graph holds.
  public var count: Int
  /// FLOPs of one instance on this device.
  public var flops: Double
  /// The data type the FLOPs run in.
  public var dataType: DataType
  /// Main-memory bytes one instance moves (reads plus writes).
  public var bytes: Double
  /// The collective one instance needs, if any.
  ///
  /// An operator with FLOPs or
  /// bytes as well overlaps its collective with them (ring attention's
  /// key/value passes); one without is a step of its own.
  public var collective: CollectiveDemand?

  /// Creates an operator.
  public init(
    name: String, kind: Kind, count: Int = 1, flops: Double, dataType: DataType,
    bytes: Double, collective: CollectiveDemand? = nil
  ) {
    self.name = name
    self.kind = kind
    self.count = count
    self.flops = flops
    self.dataType = dataType
    self.bytes = bytes
    self.collective = collective
  }

  /// Bytes one instance all-reduces (0 when its collective is another kind
  /// or it has none).
  public var allReduceBytes: Double {
    collective?.kind == .allReduce ? collective?.bytes ?? 0 : 0
  }

  /// Arithmetic intensity, FLOPs per byte of main-memory traffic.
  public var intensity: Double { bytes > 0 ? flops / bytes : .infinity }
}

/// The operators of one phase of serving, on one device.
public struct OperatorGraph: Sendable, Hashable, Codable {
  /// Which phase.
  public enum Phase: String, Sendable, Hashable, Codable {
    /// Processing the prompt.
    case prefill
    /// Generating one token per sequence at a given context.
    case decode
  }

  /// The phase.
  public var phase: Phase
  /// Tokens this graph processes in one pass over all sequences.
  public var tokens: Int
  /// The operators, in execution order.
  public var operators: [Operator]

  /// Creates a graph.
  public init(phase: Phase, tokens: Int, operators: [Operator]) {
    self.phase = phase
    self.tokens = tokens
    self.operators = operators
  }

  /// FLOPs of the whole graph on this device.
  public var flops: Double {
    operators.reduce(0) { $0 + Double($1.count) * $1.flops }
  }

  /// Main-memory bytes of the whole graph on this device.
  public var bytes: Double {
    operators.reduce(0) { $0 + Double($1.count) * $1.bytes }
  }
}

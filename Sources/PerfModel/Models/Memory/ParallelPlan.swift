/// How a model is split over devices: tensor parallel inside each pipeline
/// stage, context (sequence) parallel beside it, pipeline stages, and
/// data-parallel replicas of the whole.
///
///     devices = tensorParallel · contextParallel · pipelineParallel · dataParallel
///
/// Ranks are numbered tensor-parallel innermost, then context-parallel,
/// then stage, then replica (``CollectiveDemand``).
public struct ParallelPlan: Sendable, Hashable, Codable {
  /// How context-parallel ranks share attention over a split sequence.
  public enum ContextStrategy: String, Sendable, Hashable, Codable,
    CaseIterable
  {
    /// Ring attention (Liu et al. 2023): each rank keeps its query block and
    /// passes key/value blocks round the ring, overlapped with compute.
    case ring
    /// DeepSpeed-Ulysses (Jacobs et al. 2023): all-to-alls turn the
    /// sequence split into a head split before attention and back after.
    case ulysses
  }

  /// Tensor-parallel degree (Megatron-style sharding of heads and MLPs).
  public var tensorParallel: Int
  /// Context-parallel degree: the prompt's tokens split over this many
  /// ranks (each a whole tensor-parallel group); the KV cache too.
  public var contextParallel: Int
  /// How context-parallel ranks attend.
  public var contextStrategy: ContextStrategy
  /// Expert-parallel degree: 1, or the tensor-parallel degree, when each
  /// rank of the group owns `E / tp` whole experts instead of a slice of
  /// every expert, and tokens reach them by all-to-all.
  public var expertParallel: Int
  /// Pipeline-parallel degree (consecutive layers per stage).
  public var pipelineParallel: Int
  /// Micro-batches a replica's batch is cut into for the pipeline.
  public var microBatches: Int
  /// Data-parallel replicas, each holding the whole model.
  public var dataParallel: Int

  /// Creates a plan.
  ///
  /// Degrees must be positive.
  public init(
    tensorParallel: Int = 1, pipelineParallel: Int = 1, dataParallel: Int = 1,
    contextParallel: Int = 1, contextStrategy: ContextStrategy = .ring,
    expertParallel: Int = 1, microBatches: Int = 1
  ) {
    precondition(
      tensorParallel > 0 && pipelineParallel > 0 && dataParallel > 0
        && contextParallel > 0 && expertParallel > 0 && microBatches > 0)
    self.tensorParallel = tensorParallel
    self.contextParallel = contextParallel
    self.contextStrategy = contextStrategy
    self.expertParallel = expertParallel
    self.pipelineParallel = pipelineParallel
    self.microBatches = microBatches
    self.dataParallel = dataParallel
  }

  /// Devices the plan occupies.
  public var devices: Int { devicesPerReplica * dataParallel }

  /// Devices holding one replica of the model.
  public var devicesPerReplica: Int {
    tensorParallel * contextParallel * pipelineParallel
  }
}

/// Why a model cannot be split or sized as asked.
///
/// Carries which input is at fault so a front end can name its own flag.
public struct PlanError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Which input the error is about.
  public enum Input: String, Sendable, Hashable {
    case tensorParallel, pipelineParallel, contextParallel, expertParallel
    case microBatches, prefix, chunk, devices, context, batch
    case reserveFraction, workspaceTokens, dataType, tiling, engine
  }

  /// The input at fault.
  public var input: Input
  /// What is wrong and how to fix it.
  public var message: String

  /// Creates a plan error.
  public init(_ input: Input, _ message: String) {
    self.input = input
    self.message = message
  }

  public var description: String { message }
}

/// How a model is split over devices: tensor parallel inside each pipeline
/// stage, pipeline stages, and data-parallel replicas of the whole.
///
///     devices = tensorParallel · pipelineParallel · dataParallel
public struct ParallelPlan: Sendable, Hashable, Codable {
  /// Tensor-parallel degree (Megatron-style sharding of heads and MLPs).
  public var tensorParallel: Int
  /// Pipeline-parallel degree (consecutive layers per stage).
  public var pipelineParallel: Int
  /// Data-parallel replicas, each holding the whole model.
  public var dataParallel: Int

  /// Creates a plan.
  ///
  /// Degrees must be positive.
  public init(
    tensorParallel: Int = 1, pipelineParallel: Int = 1, dataParallel: Int = 1
  ) {
    precondition(tensorParallel > 0 && pipelineParallel > 0 && dataParallel > 0)
    self.tensorParallel = tensorParallel
    self.pipelineParallel = pipelineParallel
    self.dataParallel = dataParallel
  }

  /// Devices the plan occupies.
  public var devices: Int { tensorParallel * pipelineParallel * dataParallel }

  /// Devices holding one replica of the model.
  public var devicesPerReplica: Int { tensorParallel * pipelineParallel }
}

/// Why a model cannot be split or sized as asked.
///
/// Carries which input is at fault so a front end can name its own flag.
public struct PlanError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Which input the error is about.
  public enum Input: String, Sendable, Hashable {
    case tensorParallel, pipelineParallel, devices, context, batch
    case reserveFraction, workspaceTokens, dataType, tiling
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

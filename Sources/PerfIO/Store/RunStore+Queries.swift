/// One stored run, as `roofline runs` lists it.
public struct StoredRun: Sendable, Hashable {
  /// The run's id.
  public var id: Int
  /// When it started.
  public var startedAt: String
  /// `host` or the measured CSV's path.
  public var source: String
  /// The machine's name.
  public var machine: String
  /// Measurements stored.
  public var cases: Int
}

/// One measurement of a kernel in a run, with a model's prediction.
public struct StoredMeasurement: Sendable, Hashable {
  /// The run's id.
  public var run: Int
  /// The kernel class.
  public var kind: String
  /// The implementation.
  public var backend: String
  /// The canonical shape.
  public var shape: String
  /// Threads (0 for an accelerator).
  public var threads: Int
  /// Median seconds.
  public var medianSeconds: Double
  /// The prediction of the model asked for, if stored.
  public var predictedSeconds: Double?
  /// FLOPs of one call, from the prediction (0 when none is stored).
  public var flops = 0.0
  /// Bytes of one call at the bounding level, from the prediction.
  public var bytes = 0.0
  /// Whether the case was held out of calibration.
  public var heldOut = false

  /// What identifies the same kernel across runs.
  public var key: String {
    Self.key(kind: kind, backend: backend, shape: shape, threads: threads)
  }

  /// The key of a kernel of `kind` by `backend` at `shape` on `threads`.
  public static func key(
    kind: String, backend: String, shape: String, threads: Int
  ) -> String {
    "\(kind)|\(backend)|\(shape)|\(threads)"
  }
}

extension RunStore {
  /// Every run, oldest first.
  public func runs() throws(RunStoreError) -> [StoredRun] {
    try query(
      """
      SELECT r.id, r.started_at, r.source, m.name,
             (SELECT COUNT(*) FROM measurements WHERE run_id = r.id)
      FROM runs r JOIN machines m ON m.id = r.machine_id ORDER BY r.id
      """, []
    ) { s in
      StoredRun(
        id: s.int(0), startedAt: s.text(1) ?? "", source: s.text(2) ?? "",
        machine: s.text(3) ?? "", cases: s.int(4))
    }
  }

  /// Measurements of `run` (or of every run of `kind`, when `run` is nil),
  /// with `model`'s predictions.
  public func measurements(run: Int?, kind: String? = nil, model: String)
    throws(RunStoreError) -> [StoredMeasurement]
  {
    try query(
      """
      SELECT ms.run_id, k.kind, k.backend, k.shape, ms.threads,
             ms.median_seconds, p.seconds, p.flops, p.bytes, ms.subset
      FROM measurements ms JOIN kernels k ON k.id = ms.kernel_id
      LEFT JOIN predictions p ON p.measurement_id = ms.id AND p.model = ?
      WHERE (?2 IS NULL OR ms.run_id = ?2) AND (?3 IS NULL OR k.kind = ?3)
      ORDER BY ms.run_id, ms.id
      """,
      [
        .text(model), run.map { .integer($0) } ?? .null,
        kind.map { .text($0) } ?? .null,
      ]
    ) { s in
      StoredMeasurement(
        run: s.int(0), kind: s.text(1) ?? "", backend: s.text(2) ?? "",
        shape: s.text(3) ?? "", threads: s.int(4), medianSeconds: s.double(5),
        predictedSeconds: s.text(6) == nil ? nil : s.double(6),
        flops: s.text(7) == nil ? 0 : s.double(7),
        bytes: s.text(8) == nil ? 0 : s.double(8), heldOut: s.text(9) == "test")
    }
  }

  /// The latest earlier median of each kernel measured on `machine`
  /// before run `before`, by ``StoredMeasurement/key``.
  public func previousMedians(machine: String, before: Int)
    throws(RunStoreError) -> [String: (run: Int, seconds: Double)]
  {
    let rows = try query(
      """
      SELECT ms.run_id, k.kind, k.backend, k.shape, ms.threads, ms.median_seconds
      FROM measurements ms JOIN kernels k ON k.id = ms.kernel_id
      JOIN runs r ON r.id = ms.run_id JOIN machines m ON m.id = r.machine_id
      WHERE m.name = ? AND ms.run_id < ? ORDER BY ms.run_id
      """, [.text(machine), .integer(before)]
    ) { s in
      StoredMeasurement(
        run: s.int(0), kind: s.text(1) ?? "", backend: s.text(2) ?? "",
        shape: s.text(3) ?? "", threads: s.int(4), medianSeconds: s.double(5),
        predictedSeconds: nil)
    }
    var latest: [String: (Int, Double)] = [:]
    for row in rows { latest[row.key] = (row.run, row.medianSeconds) }
    return latest
  }

  func query<T>(
    _ sql: String, _ values: [SQLiteValue], _ row: (SQLiteStatement) -> T
  ) throws(RunStoreError) -> [T] {
    do {
      let statement = try database.prepare(sql)
      try statement.bind(values)
      var result: [T] = []
      while try statement.step() { result.append(row(statement)) }
      return result
    } catch {
      throw RunStoreError(path: path, message: error.description)
    }
  }
}

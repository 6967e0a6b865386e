/// Inserts one ``RunRecord``'s rows; the caller holds the transaction.
struct RunWriter {
  let database: SQLiteDatabase

  func write(_ run: RunRecord) throws(SQLiteError) -> Int {
    let hash = RunRecord.hash(run.descriptorYAML)
    let machine = try upsert(
      "INSERT OR IGNORE INTO machines(name, descriptor_name, descriptor_hash, descriptor_yaml) VALUES (?, ?, ?, ?)",
      "SELECT id FROM machines WHERE descriptor_hash = ? AND name = ?",
      insert: [
        .text(run.machineName), .text(run.descriptorName), .text(hash),
        .text(run.descriptorYAML),
      ], lookup: [.text(hash), .text(run.machineName)])
    var build: SQLiteValue = .null
    if let b = run.build {
      let values: [SQLiteValue] = [
        .text(b.isa), .text(b.compiler), .text(b.flags),
      ]
      build = .integer(
        try upsert(
          "INSERT OR IGNORE INTO builds(isa, compiler, flags) VALUES (?, ?, ?)",
          "SELECT id FROM builds WHERE isa = ? AND compiler = ? AND flags = ?",
          insert: values, lookup: values))
    }
    try database.prepare(
      "INSERT INTO runs(started_at, finished_at, command, source, machine_id, build_id) VALUES (?, ?, ?, ?, ?, ?)"
    ).run([
      .text(run.startedAt), .text(run.finishedAt), .text(run.command),
      .text(run.source), .integer(machine), build,
    ])
    let runID = database.lastInsertedRowID
    let measurement = try database.prepare(
      "INSERT INTO measurements(run_id, kernel_id, threads, repetitions, median_seconds, min_seconds, subset) VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    let prediction = try database.prepare(
      "INSERT INTO predictions(measurement_id, model, parameters, descriptor_hash, seconds, limiter, flops, bytes, memory_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    for c in run.cases {
      let m = c.measured
      let kernelValues: [SQLiteValue] = [
        .text(m.workload.kind.rawValue), .text(m.backend),
        .text(m.workload.shapeKey),
      ]
      let kernel = try upsert(
        "INSERT OR IGNORE INTO kernels(kind, backend, shape) VALUES (?, ?, ?)",
        "SELECT id FROM kernels WHERE kind = ? AND backend = ? AND shape = ?",
        insert: kernelValues, lookup: kernelValues)
      try measurement.run([
        .integer(runID), .integer(kernel), .integer(m.workload.threads ?? 0),
        .integer(m.repetitions), .real(m.medianSeconds), .real(m.minSeconds),
        .text(c.heldOut ? "test" : "train"),
      ])
      let measurementID = database.lastInsertedRowID
      for p in c.predictions {
        try prediction.run([
          .integer(measurementID), .text(p.model), .text(p.parameters),
          .text(hash), .real(p.estimate.seconds),
          .text(p.estimate.limiter.rawValue), .real(p.estimate.flops),
          .real(p.estimate.bytes), .text(p.estimate.memoryLevel),
        ])
      }
    }
    let phase = try database.prepare(
      "INSERT INTO phases(run_id, model, engine, fusion_profile, launch_mode, phase, batch, tokens, measured_seconds, predicted_seconds, measured_kernels, predicted_kernels, descriptor_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    for r in run.phases {
      let c = r.measured
      try phase.run([
        .integer(runID), .text(c.model), .text(c.engine),
        .text(c.profile.name), .text(c.launchMode.rawValue),
        .text(c.phase.rawValue), .integer(c.batch), .integer(c.tokens),
        .real(c.measuredSeconds), .real(r.predictedSeconds),
        c.measuredKernels.map { .integer($0) } ?? .null,
        .integer(r.predictedKernels), .text(hash),
      ])
    }
    let summary = try database.prepare(
      "INSERT INTO validations(run_id, model, subset, kernel, cases, median_abs_error, p90_abs_error, mean_abs_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    )
    for s in run.summaries {
      try summary.run([
        .integer(runID), .text(s.model), .text(s.subset), .text(s.kernel),
        .integer(s.residuals.count), .real(s.residuals.medianAbsoluteError),
        .real(s.residuals.p90AbsoluteError),
        .real(s.residuals.meanAbsoluteError),
      ])
    }
    return runID
  }

  /// The id of the row `lookup` finds after `insert` added it if absent.
  func upsert(
    _ insert: String, _ lookup: String, insert insertValues: [SQLiteValue],
    lookup lookupValues: [SQLiteValue]
  ) throws(SQLiteError) -> Int {
    try database.prepare(insert).run(insertValues)
    let find = try database.prepare(lookup)
    try find.bind(lookupValues)
    guard try find.step() else {
      throw SQLiteError(
        code: 1, message: "a row just inserted was not found",
        path: database.path)
    }
    return find.int(0)
  }
}

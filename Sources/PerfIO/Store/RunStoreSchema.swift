/// The run store's schema, one migration per version.
///
/// `PRAGMA user_version` holds the version; migration `i` takes a store
/// from version `i` to `i + 1` inside the opening transaction.
enum RunStoreSchema {
  static let migrations = [
    """
    CREATE TABLE machines(
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      descriptor_name TEXT NOT NULL,
      descriptor_hash TEXT NOT NULL,
      descriptor_yaml TEXT NOT NULL,
      UNIQUE(descriptor_hash, name));
    CREATE TABLE builds(
      id INTEGER PRIMARY KEY,
      isa TEXT NOT NULL,
      compiler TEXT NOT NULL,
      flags TEXT NOT NULL,
      UNIQUE(isa, compiler, flags));
    CREATE TABLE kernels(
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      backend TEXT NOT NULL,
      shape TEXT NOT NULL,
      UNIQUE(kind, backend, shape));
    CREATE TABLE runs(
      id INTEGER PRIMARY KEY,
      started_at TEXT NOT NULL,
      finished_at TEXT NOT NULL,
      command TEXT NOT NULL,
      source TEXT NOT NULL,
      machine_id INTEGER NOT NULL REFERENCES machines(id),
      build_id INTEGER REFERENCES builds(id));
    CREATE TABLE measurements(
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs(id),
      kernel_id INTEGER NOT NULL REFERENCES kernels(id),
      threads INTEGER NOT NULL,
      repetitions INTEGER NOT NULL,
      median_seconds REAL NOT NULL CHECK (median_seconds > 0),
      min_seconds REAL NOT NULL CHECK (min_seconds > 0),
      subset TEXT NOT NULL CHECK (subset IN ('train', 'test')));
    CREATE TABLE predictions(
      id INTEGER PRIMARY KEY,
      measurement_id INTEGER NOT NULL REFERENCES measurements(id),
      model TEXT NOT NULL,
      parameters TEXT NOT NULL,
      descriptor_hash TEXT NOT NULL,
      seconds REAL NOT NULL,
      limiter TEXT NOT NULL,
      flops REAL NOT NULL,
      bytes REAL NOT NULL,
      memory_level TEXT NOT NULL);
    CREATE TABLE validations(
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs(id),
      model TEXT NOT NULL,
      subset TEXT NOT NULL,
      kernel TEXT NOT NULL,
      cases INTEGER NOT NULL,
      median_abs_error REAL NOT NULL,
      p90_abs_error REAL NOT NULL,
      mean_abs_error REAL NOT NULL);
    CREATE INDEX measurements_by_kernel ON measurements(kernel_id, threads, run_id);
    CREATE INDEX measurements_by_run ON measurements(run_id);
    CREATE INDEX predictions_by_measurement ON predictions(measurement_id);
    CREATE INDEX validations_by_run ON validations(run_id);
    """,
    // 2: whole-model phases (`validate --end-to-end`), measured and
    // predicted; their summaries go to `validations` as the kernels' do.
    """
    CREATE TABLE phases(
      id INTEGER PRIMARY KEY,
      run_id INTEGER NOT NULL REFERENCES runs(id),
      model TEXT NOT NULL,
      engine TEXT NOT NULL,
      fusion_profile TEXT NOT NULL,
      launch_mode TEXT NOT NULL,
      phase TEXT NOT NULL CHECK (phase IN ('prefill', 'decode')),
      batch INTEGER NOT NULL,
      tokens INTEGER NOT NULL,
      measured_seconds REAL NOT NULL CHECK (measured_seconds > 0),
      predicted_seconds REAL NOT NULL,
      measured_kernels INTEGER,
      predicted_kernels INTEGER NOT NULL,
      descriptor_hash TEXT NOT NULL);
    CREATE INDEX phases_by_run ON phases(run_id);
    """,
  ]

  /// The version this build writes.
  static var version: Int { migrations.count }
}

import Foundation
import PerfIO
import PerfModel
import TestSupport
import Testing

@Suite("Run store: schema, transactions and refusals")
struct RunStoreTests {
  static func record(cases: Int = 2) -> RunRecord {
    let measured = (0..<cases).map { i in
      MeasuredKernel(
        workload: KernelWorkload(
          kind: .gemm, shape: .gemm(m: 64 << i, n: 64, k: 64),
          dataType: .fp32, threads: 1),
        backend: "host", device: "host", repetitions: 5,
        medianSeconds: 1e-3 * Double(i + 1), minSeconds: 9e-4 * Double(i + 1))
    }
    let estimate = KernelEstimate(
      seconds: 1e-3, limiter: .compute, flops: 1, exponentials: 0, bytes: 1,
      memoryLevel: "L2", idealMatrixSeconds: 1e-3, idealSpecialSeconds: 0,
      idealMemorySeconds: 0)
    return RunRecord(
      startedAt: "2026-11-23T00:00:00Z", finishedAt: "2026-11-23T00:01:00Z",
      command: "roofline validate", source: "host", machineName: "test host",
      descriptorName: "host-probed", descriptorYAML: "name: host-probed\n",
      build: (isa: "x86_64", compiler: "swift", flags: "-c release"),
      cases: measured.map {
        RunRecord.Case(
          measured: $0, heldOut: false,
          predictions: [("m", "{}", estimate)])
      },
      summaries: [])
  }

  @Test("a run is stored whole and read back, kernels matched across runs")
  func roundTrip() throws {
    let path = try Repository.temporaryFolder() + "/runs.sqlite"
    let store = try RunStore(path: path)
    let first = try store.record(Self.record())
    let second = try store.record(Self.record())
    #expect(second == first + 1)
    let runs = try store.runs()
    #expect(runs.map(\.cases) == [2, 2])
    #expect(runs[0].machine == "test host")
    let rows = try store.measurements(run: first, model: "m")
    #expect(rows.map(\.medianSeconds) == [1e-3, 2e-3])
    #expect(rows[0].predictedSeconds == 1e-3)
    let previous = try store.previousMedians(
      machine: "test host", before: second + 1)
    #expect(previous[rows[1].key]?.run == second)
    #expect(previous[rows[1].key]?.seconds == 2e-3)
  }

  @Test("a schema-1 store migrates to keep whole-model phases, runs intact")
  func migratesPhases() throws {
    let path = try Repository.temporaryFolder() + "/schema1.sqlite"
    do {
      let store = try RunStore(path: path)
      _ = try store.record(Self.record())
    }
    do {
      // What a schema-1 build left: no phases table, version 1.
      let db = try SQLiteDatabase(path: path)
      try db.execute("DROP INDEX phases_by_run; DROP TABLE phases;")
      try db.setUserVersion(1)
    }
    let store = try RunStore(path: path)
    #expect(try store.runs().count == 1)
    let db = try SQLiteDatabase(path: path, readOnly: true)
    #expect(try db.userVersion() == RunStore.schemaVersion)
    let count = try db.prepare("SELECT count(*) FROM phases")
    #expect(try count.step())
    #expect(count.int(0) == 0)
  }

  @Test("a store from a newer schema is refused and left unchanged")
  func newerSchema() throws {
    let path = try Repository.temporaryFolder() + "/newer.sqlite"
    do {
      let db = try SQLiteDatabase(path: path)
      try db.setUserVersion(RunStore.schemaVersion + 1)
    }
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect {
      _ = try RunStore(path: path)
    } throws: { error in
      "\(error)".contains("newer roofline")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
  }

  @Test("a file that is not a database is refused and left unchanged")
  func corrupt() throws {
    let path = try Repository.temporaryFolder() + "/corrupt.sqlite"
    let garbage = Data("this is not a database, just text\n".utf8)
    try garbage.write(to: URL(fileURLWithPath: path))
    #expect {
      _ = try RunStore(path: path)
    } throws: { error in
      "\(error)".contains("not an SQLite database")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
  }

  @Test("a store another connection is writing is refused as busy")
  func locked() throws {
    let path = try Repository.temporaryFolder() + "/locked.sqlite"
    _ = try RunStore(path: path)
    let holder = try SQLiteDatabase(path: path)
    try holder.execute("BEGIN EXCLUSIVE")
    defer { try? holder.execute("ROLLBACK") }
    // It waits up to its busy timeout (30 s by default; 0.2 s here).
    #expect {
      try RunStore(path: path, busyTimeoutSeconds: 0.2).record(Self.record())
    } throws: { error in
      "\(error)".contains("another process holds the database")
    }
  }

  @Test(
    "a store is read as immutable, as in a folder this process cannot write")
  func immutableRead() throws {
    // A space and a '#' in the folder name must survive the URI.
    let folder = try Repository.temporaryFolder() + "/read only #1"
    try FileManager.default.createDirectory(
      atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/runs.sqlite"
    do {
      // Closed at the end of the scope: its write-ahead log checkpointed
      // into the file and removed, as RunStore requires to read immutably.
      let store = try RunStore(path: path)
      _ = try store.record(Self.record())
    }
    #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    let database = try SQLiteDatabase(
      path: path, readOnly: true, immutable: true)
    let count = try database.prepare("SELECT count(*) FROM runs")
    #expect(try count.step())
    #expect(count.int(0) == 1)
  }

  @Test("two writers opening a new store at once both store their run")
  func twoWritersOnANewStore() throws {
    // Each round: a fresh path, two connections created and written from
    // two threads at once (SQLite locks connections as it locks processes).
    for round in 0..<40 {
      let path = try Repository.temporaryFolder() + "/new-\(round).sqlite"
      let failures = Failures()
      DispatchQueue.concurrentPerform(iterations: 2) { _ in
        do {
          _ = try RunStore(path: path).record(Self.record())
        } catch {
          failures.append("\(error)")
        }
      }
      #expect(failures.all.isEmpty, "round \(round): \(failures.all)")
      #expect(try RunStore(path: path).runs().count == 2, "round \(round)")
    }
  }

  /// Errors gathered from several threads.
  final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func append(_ error: String) { lock.withLock { errors.append(error) } }
    var all: [String] { lock.withLock { errors } }
  }

  @Test(
    "a read-only store is refused before anything runs",
    .enabled(if: getuid() != 0, "root writes through file permissions"))
  func readOnly() throws {
    let path = try Repository.temporaryFolder() + "/readonly.sqlite"
    _ = try RunStore(path: path)
    try FileManager.default.setAttributes(
      [.posixPermissions: 0o444], ofItemAtPath: path)
    #expect {
      _ = try RunStore(path: path)
    } throws: { error in
      "\(error)".contains("read-only")
    }
  }

  @Test("a calibrated descriptor loads back with its factors and bands")
  func calibratedDescriptor() throws {
    let folder = try Repository.temporaryFolder()
    let original = try String(
      contentsOfFile: Repository.root + "/hardware/h100-sxm.yaml",
      encoding: .utf8)
    let entry = KernelCalibration.Entry(
      efficiency: KernelEfficiency(
        matrix: 0.75, special: nil, memory: 0.85,
        computeOverheadSeconds: 4e-6, memoryOverheadSeconds: 3e-6),
      band: ErrorBand(low: -0.05, high: 0.08), trainingCases: 12)
    // A host flash class with every optional factor: special and stream.
    let flash = KernelCalibration.Entry(
      efficiency: KernelEfficiency(
        matrix: 0.8, special: 0.25, memory: 0.9,
        computeOverheadSeconds: 1e-4, memoryOverheadSeconds: 0,
        stream: 0.0625),
      band: nil, trainingCases: 16)
    let text = CalibratedDescriptor.yaml(
      original: original, name: "h100-fitted",
      calibration: KernelCalibration(
        entries: ["gemm/cublas": entry, "flash-attention/1t": flash],
        source: "test fit"))
    let path = folder + "/h100-fitted.yaml"
    try AtomicFile.write(text, to: path)
    let device = try Catalog(root: Repository.root).device(path)
    #expect(device.name == "h100-fitted")
    #expect(device.calibration?.entries["gemm/cublas"] == entry)
    #expect(device.calibration?.entries["flash-attention/1t"] == flash)
    #expect(device.calibration?.source == "test fit")
    // Writing it again replaces the section instead of adding a second.
    let again = CalibratedDescriptor.yaml(
      original: text, name: "h100-fitted",
      calibration: KernelCalibration(entries: [:], source: "second"))
    #expect(again.components(separatedBy: "\ncalibration:").count == 2)
  }
}

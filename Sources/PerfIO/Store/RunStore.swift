import Foundation

/// The SQLite store of validation runs: machines, builds, kernels,
/// measurements, predictions and their residual summaries.
///
/// Opening checks before anything is written: a file that is not an SQLite
/// database, a schema newer than this build's, a read-only file or one that
/// another process is writing is refused with a ``RunStoreError`` and left
/// as it was. An older schema is migrated in one transaction. The journal
/// is WAL, and every run is written in one transaction, so a run killed
/// midway leaves the store as it was before it began.
public final class RunStore {
  let database: SQLiteDatabase
  /// The database file.
  public var path: String { database.path }

  /// Opens (creating when absent) the store at `path`.
  ///
  /// - Throws: ``RunStoreError`` naming the problem and the fix.
  public init(
    path: String, readOnly: Bool = false, busyTimeoutSeconds: Double = 30
  ) throws(RunStoreError) {
    try Self.checkHeader(path)
    // A store in a folder this process cannot write, with no write-ahead
    // log pending, is read as immutable: WAL mode would need a -shm file.
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let immutable =
      readOnly && !FileManager.default.isWritableFile(atPath: folder)
      && !FileManager.default.fileExists(atPath: path + "-wal")
    do {
      database = try SQLiteDatabase(
        path: path, readOnly: readOnly, immutable: immutable,
        busyTimeoutSeconds: busyTimeoutSeconds)
    } catch {
      throw RunStoreError(path: path, message: error.description)
    }
    do {
      if !readOnly && database.isReadOnly {
        throw RunStoreError(
          path: path,
          message:
            "the database is read-only; make it writable, or pass --db with another file"
        )
      }
      let version = try database.userVersion()
      if version > RunStoreSchema.version {
        throw RunStoreError(
          path: path,
          message:
            "written by a newer roofline (schema \(version); this build knows up to \(RunStoreSchema.version)); update roofline, or pass --db with another file"
        )
      }
      if let verdict = try Self.quickCheck(database), verdict != "ok" {
        throw RunStoreError(
          path: path,
          message:
            "the database is damaged (\(verdict)); it was left unchanged: move it aside, or pass --db with another file"
        )
      }
      if readOnly {
        guard version == RunStoreSchema.version else {
          throw RunStoreError(
            path: path,
            message:
              "schema \(version) predates this build's \(RunStoreSchema.version); open it once for writing to migrate"
          )
        }
        return
      }
      // Two processes opening a new store at once can each hold a lock
      // the other needs (switching to WAL, then migrating): SQLite then
      // answers BUSY at once rather than wait, so the set-up is retried
      // with a growing pause, up to the busy timeout.
      var waited = 0.0
      var pause = 0.01
      while true {
        do {
          try Self.setUp(database)
          break
        } catch let error as SQLiteError
          where (error.code == 5 || error.code == 6)
          && waited < busyTimeoutSeconds
        {
          Thread.sleep(forTimeInterval: pause)
          waited += pause
          pause = min(pause * 2, 0.5)
        }
      }
    } catch let error as RunStoreError {
      throw error
    } catch let error as SQLiteError {
      throw RunStoreError(path: path, message: error.description)
    } catch {
      throw RunStoreError(path: path, message: "\(error)")
    }
  }

  /// Sets WAL mode and foreign keys, and migrates the schema to this
  /// build's in one write transaction.
  ///
  /// The version is read again inside it: another process may have created
  /// or migrated the store since it was opened, and migrating twice would
  /// fail ("table already exists").
  static func setUp(_ database: SQLiteDatabase) throws {
    try database.execute("PRAGMA journal_mode = WAL")
    try database.execute("PRAGMA foreign_keys = ON")
    try database.transaction {
      let current = try database.userVersion()
      guard current < RunStoreSchema.version else { return }
      for migration in RunStoreSchema.migrations.dropFirst(current) {
        try database.execute(migration)
      }
      try database.setUserVersion(RunStoreSchema.version)
    }
  }

  /// SQLite's `quick_check` verdict, the statement finalized before
  /// returning (an open statement would hold a read transaction).
  static func quickCheck(_ database: SQLiteDatabase) throws(SQLiteError)
    -> String?
  {
    let check = try database.prepare("PRAGMA quick_check")
    return try check.step() ? check.text(0) : nil
  }

  /// The schema version this build writes.
  public static var schemaVersion: Int { RunStoreSchema.version }

  /// Refuses a non-empty file that does not start with SQLite's header.
  static func checkHeader(_ path: String) throws(RunStoreError) {
    guard let handle = FileHandle(forReadingAtPath: path) else { return }
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 16)) ?? Data()
    if !head.isEmpty && head != Data("SQLite format 3\0".utf8) {
      throw RunStoreError(
        path: path,
        message:
          "not an SQLite database (or its header is damaged); it was left unchanged: move it aside, or pass --db with another file"
      )
    }
  }

  /// Writes `run` in one transaction and returns its id.
  ///
  /// `beforeCommit` runs inside the transaction after every row is written (a fault
  /// injection point for tests).
  ///
  /// - Throws: ``RunStoreError``; nothing of the run is stored then.
  @discardableResult
  public func record(_ run: RunRecord, beforeCommit: () -> Void = {})
    throws(RunStoreError) -> Int
  {
    do {
      return try database.transaction { () throws(SQLiteError) -> Int in
        let id = try RunWriter(database: database).write(run)
        beforeCommit()
        return id
      }
    } catch let error as SQLiteError {
      throw RunStoreError(path: path, message: error.description)
    } catch {
      throw RunStoreError(path: path, message: "\(error)")
    }
  }
}

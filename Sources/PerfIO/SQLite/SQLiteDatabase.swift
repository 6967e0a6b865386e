import CSQLite
import Foundation

/// One connection to an SQLite database, closed when released.
///
/// Every C call goes through ``check(_:)``; values are always bound, never
/// interpolated into SQL.
public final class SQLiteDatabase {
  let handle: OpaquePointer
  /// The database file.
  public let path: String

  /// Opens (or creates) the database at `path`; a statement that finds
  /// it locked by another connection waits up to `busyTimeoutSeconds`.
  ///
  /// `immutable` (read-only only) opens it as a file nothing changes, with
  /// no lock or shared-memory file: how a store in a folder this process
  /// cannot write is read (WAL mode would otherwise create its `-shm`).
  ///
  /// - Throws: ``SQLiteError`` when the file cannot be opened.
  public init(
    path: String, readOnly: Bool = false, immutable: Bool = false,
    busyTimeoutSeconds: Double = 30
  ) throws(SQLiteError) {
    var db: OpaquePointer?
    var flags =
      readOnly
      ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
    var name = path
    if readOnly && immutable {
      flags |= SQLITE_OPEN_URI
      let allowed = CharacterSet.urlPathAllowed.subtracting(
        CharacterSet(charactersIn: "?#"))
      name =
        "file:"
        + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path)
        + "?immutable=1"
    }
    let rc = sqlite3_open_v2(name, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let message =
        db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
      sqlite3_close(db)
      throw SQLiteError(code: rc, message: message, path: path)
    }
    handle = db
    self.path = path
    sqlite3_busy_timeout(
      db, Int32(min(max(busyTimeoutSeconds, 0), 3600) * 1000))
  }

  deinit { sqlite3_close(handle) }

  /// Turns a result code into a thrown error unless it is `OK`, `ROW` or
  /// `DONE`.
  @discardableResult
  func check(_ rc: Int32) throws(SQLiteError) -> Int32 {
    guard rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE else {
      throw SQLiteError(
        code: rc, message: String(cString: sqlite3_errmsg(handle)), path: path)
    }
    return rc
  }

  /// Runs SQL statements that take no parameters and return no rows.
  public func execute(_ sql: String) throws(SQLiteError) {
    try check(sqlite3_exec(handle, sql, nil, nil, nil))
  }

  /// Prepares one statement.
  public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
    var statement: OpaquePointer?
    try check(sqlite3_prepare_v2(handle, sql, -1, &statement, nil))
    guard let statement else {
      throw SQLiteError(
        code: SQLITE_MISUSE, message: "empty statement", path: path)
    }
    return SQLiteStatement(statement, database: self)
  }

  /// Runs `body` in one transaction: committed if it returns, rolled back
  /// if it throws, so that a run is stored whole or not at all.
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    try execute("BEGIN IMMEDIATE")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      try? execute("ROLLBACK")
      throw error
    }
  }

  /// Whether the connection can only read (the file or its folder is
  /// write-protected, or it was opened read-only).
  public var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

  /// The id of the row the last `INSERT` added.
  public var lastInsertedRowID: Int { Int(sqlite3_last_insert_rowid(handle)) }

  /// The schema version kept in `PRAGMA user_version`.
  public func userVersion() throws(SQLiteError) -> Int {
    let statement = try prepare("PRAGMA user_version")
    guard try statement.step() else { return 0 }
    return statement.int(0)
  }

  /// Sets `PRAGMA user_version` (a trusted integer, not user text).
  public func setUserVersion(_ version: Int) throws(SQLiteError) {
    try execute("PRAGMA user_version = \(version)")
  }
}

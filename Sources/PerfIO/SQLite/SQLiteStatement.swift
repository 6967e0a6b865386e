import CSQLite

/// A value bound to, or read from, an SQL statement.
public enum SQLiteValue: Sendable, Hashable {
  case integer(Int)
  case real(Double)
  case text(String)
  case null
}

/// A prepared statement, finalized when released.
public final class SQLiteStatement {
  let handle: OpaquePointer
  let database: SQLiteDatabase

  init(_ handle: OpaquePointer, database: SQLiteDatabase) {
    self.handle = handle
    self.database = database
  }

  deinit { sqlite3_finalize(handle) }

  /// Binds `values` to parameters 1…n, after clearing earlier bindings.
  public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
    try database.check(sqlite3_reset(handle))
    try database.check(sqlite3_clear_bindings(handle))
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      switch value {
      case .integer(let v):
        try database.check(sqlite3_bind_int64(handle, index, Int64(v)))
      case .real(let v):
        try database.check(sqlite3_bind_double(handle, index, v))
      case .text(let v):
        try database.check(
          sqlite3_bind_text(handle, index, v, -1, roofline_sqlite_transient()))
      case .null: try database.check(sqlite3_bind_null(handle, index))
      }
    }
  }

  /// Advances to the next row: `true` while rows remain.
  public func step() throws(SQLiteError) -> Bool {
    try database.check(sqlite3_step(handle)) == SQLITE_ROW
  }

  /// Binds `values`, then steps through a statement that returns no rows.
  public func run(_ values: [SQLiteValue]) throws(SQLiteError) {
    try bind(values)
    while try step() {}
  }

  /// The integer in column `index` of the current row.
  public func int(_ index: Int32) -> Int {
    Int(sqlite3_column_int64(handle, index))
  }

  /// The real number in column `index` of the current row.
  public func double(_ index: Int32) -> Double {
    sqlite3_column_double(handle, index)
  }

  /// The text in column `index` of the current row, or `nil` for NULL.
  public func text(_ index: Int32) -> String? {
    guard let bytes = sqlite3_column_text(handle, index) else { return nil }
    return String(cString: bytes)
  }
}

/// A failed SQLite call: the result code and SQLite's own message.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The SQLite result code (`SQLITE_BUSY` = 5, `SQLITE_CORRUPT` = 11, …).
  public var code: Int32
  /// `sqlite3_errmsg` at the time of failure.
  public var message: String
  /// The database file.
  public var path: String

  /// Creates an error.
  public init(code: Int32, message: String, path: String) {
    self.code = code
    self.message = message
    self.path = path
  }

  public var description: String {
    "\(path): SQLite error \(code): \(message)\(hint)"
  }

  private var hint: String {
    switch code & 0xff {
    case 5, 6:
      "; another process holds the database: wait for it or use another --db"
    case 8:
      "; the database is read-only: check its permissions or use another --db"
    case 11, 26:
      "; the file is not a usable database: move it aside, it was not changed"
    default: ""
    }
  }
}

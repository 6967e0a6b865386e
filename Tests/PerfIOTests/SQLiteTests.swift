import Foundation
import PerfIO
import TestSupport
import Testing

@Suite("SQLite through libsqlite3")
struct SQLiteTests {
  static func database() throws -> SQLiteDatabase {
    let db = try SQLiteDatabase(
      path: try Repository.temporaryFolder() + "/runs.sqlite")
    try db.execute(
      "CREATE TABLE runs (id INTEGER PRIMARY KEY, kernel TEXT, seconds REAL)")
    return db
  }

  @Test("bound values round-trip, including text that looks like SQL")
  func roundTrip() throws {
    let db = try Self.database()
    try db.prepare("INSERT INTO runs (kernel, seconds) VALUES (?, ?)")
      .run([.text("flash'); DROP TABLE runs; --"), .real(1.25e-3)])
    let select = try db.prepare("SELECT kernel, seconds FROM runs")
    #expect(try select.step())
    #expect(select.text(0) == "flash'); DROP TABLE runs; --")
    #expect(select.double(1) == 1.25e-3)
    #expect(try !select.step())
  }

  @Test("a transaction that throws leaves nothing behind")
  func rollback() throws {
    struct Interrupted: Error {}
    let db = try Self.database()
    let insert = try db.prepare(
      "INSERT INTO runs (kernel, seconds) VALUES (?, ?)")
    #expect(throws: Interrupted.self) {
      try db.transaction {
        try insert.run([.text("a"), .real(1)])
        throw Interrupted()
      }
    }
    let count = try db.prepare("SELECT count(*) FROM runs")
    _ = try count.step()
    #expect(count.int(0) == 0)
  }

  @Test("the schema version is kept in user_version")
  func userVersion() throws {
    let db = try Self.database()
    #expect(try db.userVersion() == 0)
    try db.setUserVersion(3)
    #expect(try db.userVersion() == 3)
  }

  @Test(
    "bad SQL and a file that is not a database are errors with SQLite's code")
  func errors() throws {
    let db = try Self.database()
    #expect(throws: SQLiteError.self) { try db.execute("SELEC 1") }
    let path = try Repository.temporaryFolder() + "/not.sqlite"
    try String(repeating: "not a database ", count: 100).write(
      toFile: path, atomically: true, encoding: .utf8)
    let error = #expect(throws: SQLiteError.self) {
      try SQLiteDatabase(path: path).execute("SELECT * FROM sqlite_master")
    }
    #expect(error?.code == 26)  // SQLITE_NOTADB
    #expect(error?.description.contains("not a usable database") == true)
  }
}

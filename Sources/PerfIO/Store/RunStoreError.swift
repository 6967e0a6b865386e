/// A run store that cannot be used as asked; the file is never changed.
public struct RunStoreError: Error, Sendable, Hashable, CustomStringConvertible
{
  /// The database file.
  public var path: String
  /// What is wrong and how to fix it.
  public var message: String

  /// Creates an error.
  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }

  public var description: String { "\(path): \(message)" }
}

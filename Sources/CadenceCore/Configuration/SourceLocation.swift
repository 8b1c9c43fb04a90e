/// Where a configuration line came from: a file name as given and a 1-based line number.
///
/// Its description is `file:line`, the prefix of every configuration error, as systemd's
/// `log_syntax` prints it. A line of 0 means "the file as a whole".
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { line > 0 ? "\(file):\(line)" : file }
}

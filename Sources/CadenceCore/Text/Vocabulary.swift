/// A closed list of names (a state, a kind, a role) read from text: the one place that reads one
/// and says, when it is none of them, which names there are.
public protocol Vocabulary: RawRepresentable<String>, CaseIterable {}

extension Vocabulary {
    /// The value named `text`, or the reason it is none: `is not one of: a, b, c`.
    public static func named(_ text: String) -> Result<Self, VocabularyError> {
        if let value = allCases.first(where: { $0.rawValue == text }) { return .success(value) }
        return .failure(VocabularyError(text: text, names: allCases.map(\.rawValue)))
    }

    /// The names, comma-separated, as errors and help list them.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A text that is none of a vocabulary's names.
public struct VocabularyError: Error, Equatable, Sendable, CustomStringConvertible {
    public var text: String
    public var names: [String]
    /// `'done' is not one of: open, in-progress, …`
    public var description: String { "'\(text)' is not one of: " + names.joined(separator: ", ") }
}

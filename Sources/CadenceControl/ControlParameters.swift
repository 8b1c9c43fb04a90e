public import CadenceCore
import Foundation

/// Typed access to a call's parameters: a parameter of the wrong JSON type is
/// `org.varlink.service.InvalidParameter`; a value of the right type that makes no sense is
/// `io.cadenced.Ledger.InvalidArgument` with the reason.
public struct ControlParameters {
    public let values: [String: Any]
    /// Text parameters longer than this are refused (the import text has its own limit).
    public static let maximumText = 4096

    public init(_ values: [String: Any]) { self.values = values }

    private func present(_ name: String) -> Any? {
        guard let value = values[name], !(value is NSNull) else { return nil }
        return value
    }

    /// A required, non-blank string.
    public func string(_ name: String, maximum: Int = maximumText) throws -> String {
        guard let value = try optionalString(name, maximum: maximum) else {
            if present(name) == nil { throw VarlinkError.invalidParameter(name) }
            throw VarlinkError.invalidArgument(name, "is empty")
        }
        return value
    }

    /// A required string taken as it is (an import's whole file): no trimming, no length limit
    /// beyond the message's; NUL is still refused.
    public func text(_ name: String) throws -> String {
        guard let value = present(name) as? String else { throw VarlinkError.invalidParameter(name) }
        guard !value.utf8.contains(0) else { throw VarlinkError.invalidArgument(name, "contains a NUL character") }
        guard value.utf8.contains(where: { $0 > 0x20 }) else { throw VarlinkError.invalidArgument(name, "is empty") }
        return value
    }

    /// An optional string; a blank one counts as absent.
    public func optionalString(_ name: String, maximum: Int = maximumText) throws -> String? {
        guard let raw = present(name) else { return nil }
        guard let value = raw as? String else { throw VarlinkError.invalidParameter(name) }
        guard value.utf8.count <= maximum else {
            throw VarlinkError.invalidArgument(name, "is longer than \(maximum) bytes")
        }
        guard !value.unicodeScalars.contains("\u{0}") else {
            throw VarlinkError.invalidArgument(name, "contains a NUL character")
        }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// JSON numbers and booleans both arrive as NSNumber; a boolean has the type encoding "c".
    private static func isBoolean(_ value: Any) -> Bool {
        (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false
    }

    public func int(_ name: String) throws -> Int64 {
        guard let value = try optionalInt(name) else { throw VarlinkError.invalidParameter(name) }
        return Int64(value)
    }

    public func optionalInt(_ name: String) throws -> Int? {
        guard let value = present(name) else { return nil }
        guard !Self.isBoolean(value), let number = value as? Int else { throw VarlinkError.invalidParameter(name) }
        return number
    }

    public func optionalBool(_ name: String) throws -> Bool? {
        guard let value = present(name) else { return nil }
        guard Self.isBoolean(value), let flag = value as? Bool else { throw VarlinkError.invalidParameter(name) }
        return flag
    }

    /// One of an enumeration's names; the error lists them all.
    public func optionalChoice<E: Vocabulary>(_ name: String, _ type: E.Type) throws -> E? {
        guard let text = try optionalString(name) else { return nil }
        switch E.named(text) {
        case .success(let value): return value
        case .failure(let error): throw VarlinkError.invalidArgument(name, error.description)
        }
    }

    public func choice<E: Vocabulary>(_ name: String, _ type: E.Type) throws -> E {
        guard let value = try optionalChoice(name, type) else {
            if present(name) == nil { throw VarlinkError.invalidParameter(name) }
            throw VarlinkError.invalidArgument(name, "is empty")
        }
        return value
    }

    /// A local date `YYYY-MM-DD`.
    public func optionalDate(_ name: String) throws -> LocalDate? {
        guard let text = try optionalString(name) else { return nil }
        guard let date = LocalDate(text) else {
            throw VarlinkError.invalidArgument(name, "'\(text)' is not a date (YYYY-MM-DD)")
        }
        return date
    }

    /// A limit between 1 and 1,000,000 (default `fallback`).
    public func limit(_ fallback: Int = 1000) throws -> Int {
        let limit = try optionalInt("limit") ?? fallback
        guard (1...1_000_000).contains(limit) else {
            throw VarlinkError.invalidArgument("limit", "must be between 1 and 1000000, got \(limit)")
        }
        return limit
    }
}

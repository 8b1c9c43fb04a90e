public import Foundation

/// A field's value, in the types the wire carries.
public enum WireValue: Sendable, Equatable {
    case text(String?)
    case integer(Int64?)
    case instant(Date?)
    case flag(Bool)
    case texts([String])
}

/// One field of a record as people and programs see it: its name in replies and in the
/// interface's type, its label in `cadencectl … show`, its Varlink type, and its value.
public struct WireField<Record>: Sendable {
    public let name: StaticString
    /// The label `cadencectl … show` prints it under (nil: not shown there).
    public let label: String?
    /// Its Varlink type (`string`, `?string`, `int`, `?int`, `bool`, `[]string`).
    public let type: String
    /// The value at an instant (an item's `overdue` depends on it).
    public let value: @Sendable (Record, Date) -> WireValue

    public init(
        _ name: StaticString, _ label: String?, _ type: String, _ value: @escaping @Sendable (Record, Date) -> WireValue
    ) {
        self.name = name
        self.label = label
        self.type = type
        self.value = value
    }

    public static func text(
        _ name: StaticString, label: String? = nil, _ path: @escaping @Sendable (Record) -> String
    ) -> Self { Self(name, label, "string") { record, _ in .text(path(record)) } }

    public static func optionalText(
        _ name: StaticString, label: String? = nil, _ path: @escaping @Sendable (Record) -> String?
    ) -> Self { Self(name, label, "?string") { record, _ in .text(path(record)) } }

    public static func integer(
        _ name: StaticString, label: String? = nil, _ path: @escaping @Sendable (Record) -> Int64
    ) -> Self { Self(name, label, "int") { record, _ in .integer(path(record)) } }

    public static func optionalInteger(
        _ name: StaticString, label: String? = nil, _ path: @escaping @Sendable (Record) -> Int64?
    ) -> Self { Self(name, label, "?int") { record, _ in .integer(path(record)) } }

    public static func flag(
        _ name: StaticString, label: String? = nil, _ path: @escaping @Sendable (Record) -> Bool
    ) -> Self { Self(name, label, "bool") { record, _ in .flag(path(record)) } }

    public static func instant(
        _ name: StaticString, label: String? = nil, _ path: @escaping @Sendable (Record) -> Date
    ) -> Self { Self(name, label, "string") { record, _ in .instant(path(record)) } }

    public static func optionalInstant(
        _ name: StaticString, label: String? = nil, _ path: @escaping @Sendable (Record) -> Date?
    ) -> Self { Self(name, label, "?string") { record, _ in .instant(path(record)) } }

    public static func texts(
        _ name: StaticString, label: String? = nil, _ path: @escaping @Sendable (Record) -> [String]
    ) -> Self { Self(name, label, "[]string") { record, _ in .texts(path(record)) } }
}

/// A record the interface carries: its type's name and its fields, in people's order. The
/// reply's JSON and the interface's `type` line are both made from ``wireFields``.
public protocol WireRecord: Sendable {
    /// The interface's name for it (`Unit`, `Item`).
    static var wireType: String { get }
    static var wireFields: [WireField<Self>] { get }
    /// ``wireFields`` in the order replies write them (by name); a type with long listings keeps
    /// them sorted once.
    static var wireFieldsByName: [WireField<Self>] { get }
}

extension WireRecord {
    /// The interface's `type` definition: the fields in people's order, with their Varlink types.
    public static var interfaceType: String {
        "type \(wireType) (\n" + wireFields.map { "  \($0.name): \($0.type)" }.joined(separator: ",\n") + "\n)"
    }

    public static var wireFieldsByName: [WireField<Self>] { wireFields.sorted { "\($0.name)" < "\($1.name)" } }
}

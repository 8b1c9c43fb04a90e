public import CadenceCore

/// One parameter of a ``TabledCall``: its name and Varlink type, how the daemon reads it into the
/// call and how `cadencectl` writes it from the call. A call lists its parameters once, in the
/// interface's order; its signature, its reader and its JSON writer follow that list.
public struct CallParameter<Call>: Sendable {
    public let name: StaticString
    public let type: String
    let read: @Sendable (inout Call, ControlParameters) throws -> Void
    let write: @Sendable (Call, inout JSONObjectWriter) -> Void

    init(
        _ name: StaticString, _ type: String, read: @escaping @Sendable (inout Call, ControlParameters) throws -> Void,
        write: @escaping @Sendable (Call, inout JSONObjectWriter) -> Void
    ) {
        self.name = name
        self.type = type
        self.read = read
        self.write = write
    }

    public typealias Path<Value> = any WritableKeyPath<Call, Value> & Sendable

    /// A required, non-blank string (at most `maximum` bytes).
    public static func string(
        _ name: StaticString, _ path: Path<String>, maximum: Int = ControlParameters.maximumText
    ) -> Self {
        Self(name, "string") {
            $0[keyPath: path] = try $1.string("\(name)", maximum: maximum)
        } write: {
            $1.string(name, $0[keyPath: path])
        }
    }

    /// A required text taken as it is (an import's whole file).
    public static func text(_ name: StaticString, _ path: Path<String>) -> Self {
        Self(name, "string") {
            $0[keyPath: path] = try $1.text("\(name)")
        } write: {
            $1.string(name, $0[keyPath: path])
        }
    }

    /// An optional string; a blank one counts as absent.
    public static func optionalString(
        _ name: StaticString, _ path: Path<String?>, maximum: Int = ControlParameters.maximumText
    ) -> Self {
        Self(name, "?string") {
            $0[keyPath: path] = try $1.optionalString("\(name)", maximum: maximum)
        } write: {
            $1.string(name, $0[keyPath: path])
        }
    }

    public static func int(_ name: StaticString, _ path: Path<Int64>) -> Self {
        Self(name, "int") {
            $0[keyPath: path] = try $1.int("\(name)")
        } write: {
            $1.int(name, $0[keyPath: path])
        }
    }

    public static func optionalInt(_ name: StaticString, _ path: Path<Int?>) -> Self {
        Self(name, "?int") {
            $0[keyPath: path] = try $1.optionalInt("\(name)")
        } write: {
            $1.int(name, $0[keyPath: path].map(Int64.init))
        }
    }

    /// An optional flag, false when absent.
    public static func flag(_ name: StaticString, _ path: Path<Bool>) -> Self {
        Self(name, "?bool") {
            $0[keyPath: path] = try $1.optionalBool("\(name)") ?? false
        } write: {
            $1.bool(name, $0[keyPath: path])
        }
    }

    /// A limit between 1 and 1,000,000, `fallback` when absent.
    public static func limit(_ path: Path<Int>, fallback: Int = 1000) -> Self {
        Self("limit", "?int") {
            $0[keyPath: path] = try $1.limit(fallback)
        } write: {
            $1.int("limit", Int64($0[keyPath: path]))
        }
    }

    /// One of an enumeration's names; the error lists them all.
    public static func choice<Value: Vocabulary & Sendable>(_ name: StaticString, _ path: Path<Value>) -> Self {
        Self(name, "string") {
            $0[keyPath: path] = try $1.choice("\(name)", Value.self)
        } write: {
            $1.string(name, $0[keyPath: path].rawValue)
        }
    }

    public static func optionalChoice<Value: Vocabulary & Sendable>(
        _ name: StaticString, _ path: Path<Value?>
    ) -> Self {
        Self(name, "?string") {
            $0[keyPath: path] = try $1.optionalChoice("\(name)", Value.self)
        } write: {
            $1.string(name, $0[keyPath: path]?.rawValue)
        }
    }

    /// One of an item's free-text fields, under its own name.
    public static func text(_ text: ItemText, _ path: Path<ItemTexts>) -> Self {
        Self(text.info.name, "?string") {
            $0[keyPath: path][text] = try $1.optionalString(text.name)
        } write: {
            $1.string(text.info.name, $0[keyPath: path][text])
        }
    }

    /// A local date `YYYY-MM-DD`.
    public static func optionalDate(_ name: StaticString, _ path: Path<LocalDate?>) -> Self {
        Self(name, "?string") {
            $0[keyPath: path] = try $1.optionalDate("\(name)")
        } write: {
            $1.string(name, $0[keyPath: path].map { "\($0)" })
        }
    }
}

/// A ``LedgerCall`` whose parameters are one ``CallParameter`` table: the signature, the reading
/// and the JSON come from it.
public protocol TabledCall: LedgerCall {
    /// The parameters in the interface's order.
    static var parameters: [CallParameter<Self>] { get }
    /// The call with every parameter absent (required ones are set by reading).
    init()
}

extension TabledCall {
    public static var signature: [(name: String, type: String)] { parameters.map { ("\($0.name)", $0.type) } }

    public init(reading p: ControlParameters) throws {
        self.init()
        for parameter in Self.parameters { try parameter.read(&self, p) }
    }

    public func json() -> RawJSON {
        Self.object { o in
            for parameter in Self.parameters.sorted(by: { "\($0.name)" < "\($1.name)" }) { parameter.write(self, &o) }
        }
    }
}

public import CadenceCore
public import Foundation

/// Varlink's framing: each message is one JSON object followed by a NUL byte, on a Unix stream
/// socket (https://varlink.org/Method-Call). This type splits a byte stream into messages and
/// refuses one larger than a limit before it is complete.
public struct VarlinkFrameDecoder: Sendable {
    public let maximumMessageSize: Int
    private var buffer: [UInt8] = []

    public init(maximumMessageSize: Int) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// Why a stream cannot be read further.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case messageTooLarge(limit: Int)

        public var description: String {
            switch self {
            case .messageTooLarge(let limit): "a message is larger than \(limit) bytes"
            }
        }
    }

    /// Adds received bytes and returns the messages completed by them (without their NUL).
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(Failure) -> [[UInt8]] {
        var messages: [[UInt8]] = []
        var rest = bytes[...]
        // Whole runs up to each NUL: a 10 MB import arrives in a few hundred reads.
        while let nul = rest.firstIndex(of: 0) {
            buffer.append(contentsOf: rest[..<nul])
            if buffer.count > maximumMessageSize { throw .messageTooLarge(limit: maximumMessageSize) }
            messages.append(buffer)
            buffer.removeAll(keepingCapacity: true)
            rest = rest[rest.index(after: nul)...]
        }
        buffer.append(contentsOf: rest)
        if buffer.count > maximumMessageSize { throw .messageTooLarge(limit: maximumMessageSize) }
        return messages
    }

    /// Bytes received after the last complete message.
    public var pendingByteCount: Int { buffer.count }

    /// One message as sent: JSON and a NUL.
    public static func encode(_ object: [String: Any]) throws -> Data {
        var data = JSONWriter.data(object)
        data.append(0)
        return data
    }
}

/// A method call as received: `{"method": "io.cadenced.Ledger.AddItem", "parameters": {...}}`.
public struct VarlinkCall: @unchecked Sendable {
    public var method: String
    public var parameters: [String: Any]
    public var oneway: Bool
    public var more: Bool

    /// The interface part of the method name (`io.cadenced.Ledger`).
    public var interface: String {
        guard let dot = method.lastIndex(of: ".") else { return "" }
        return String(method[..<dot])
    }

    /// The member part (`AddItem`).
    public var member: String {
        guard let dot = method.lastIndex(of: ".") else { return method }
        return String(method[method.index(after: dot)...])
    }

    /// Parses one message; nil with a reason when it is not a Varlink call.
    public static func parse(_ message: [UInt8]) -> Result<VarlinkCall, VarlinkError> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(message)) as? [String: Any] else {
            return .failure(.invalidMessage("not a JSON object"))
        }
        guard let method = object["method"] as? String, !method.isEmpty else {
            return .failure(.invalidMessage("no 'method'"))
        }
        let parameters: [String: Any]
        switch object["parameters"] {
        case nil, is NSNull: parameters = [:]
        case let p as [String: Any]: parameters = p
        default: return .failure(.invalidParameter("parameters"))
        }
        return .success(
            VarlinkCall(
                method: method, parameters: parameters, oneway: object["oneway"] as? Bool ?? false,
                more: object["more"] as? Bool ?? false))
    }
}

/// An error reply: a qualified name and parameters, e.g. `org.varlink.service.MethodNotFound`.
public enum VarlinkError: Error, Equatable, Sendable {
    case invalidMessage(String)
    case interfaceNotFound(String)
    case methodNotFound(String)
    case invalidParameter(String)
    case methodNotImplemented(String)
    /// An error of io.cadenced.Ledger.
    case ledger(name: String, parameters: [String: String])

    public var name: String {
        switch self {
        case .invalidMessage: "org.varlink.service.InvalidParameter"
        case .interfaceNotFound: "org.varlink.service.InterfaceNotFound"
        case .methodNotFound: "org.varlink.service.MethodNotFound"
        case .invalidParameter: "org.varlink.service.InvalidParameter"
        case .methodNotImplemented: "org.varlink.service.MethodNotImplemented"
        case .ledger(let name, _): "io.cadenced.Ledger." + name
        }
    }

    public var parameters: [String: Any] {
        switch self {
        case .invalidMessage: ["parameter": "message"]
        case .interfaceNotFound(let i): ["interface": i]
        case .methodNotFound(let m): ["method": m]
        case .invalidParameter(let p): ["parameter": p]
        case .methodNotImplemented(let m): ["method": m]
        case .ledger(_, let p): p
        }
    }

    /// The reply object.
    public var reply: [String: Any] { ["error": name, "parameters": parameters] }

    public static func noSuchItem(_ id: Int64) -> VarlinkError {
        .ledger(name: "NoSuchItem", parameters: ["id": "\(id)"])
    }

    public static func invalidArgument(_ parameter: String, _ reason: String) -> VarlinkError {
        .ledger(name: "InvalidArgument", parameters: ["parameter": parameter, "reason": reason])
    }

    public static func permissionDenied(_ reason: String) -> VarlinkError {
        .ledger(name: "PermissionDenied", parameters: ["reason": reason])
    }

    /// The item's lifecycle refused a transition: `code` for programs, `reason` for people.
    public static func refused(_ refusal: ItemRefusal) -> VarlinkError {
        var parameters = ["code": refusal.code.rawValue, "reason": refusal.reason, "item": "\(refusal.item)"]
        parameters["parameter"] = refusal.parameter
        parameters["state"] = refusal.state
        return .ledger(name: "Refused", parameters: parameters)
    }

    public static func ledgerFailure(_ reason: String) -> VarlinkError {
        .ledger(name: "LedgerFailure", parameters: ["reason": reason])
    }
}

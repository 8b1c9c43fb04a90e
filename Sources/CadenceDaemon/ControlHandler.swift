import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

/// Answers Varlink calls: `org.varlink.service` introspection and `io.cadenced.Ledger`, with the
/// authorization DESIGN.md asks for. Every change goes through the manager, is recorded in the
/// append-only history with the caller, and re-arms the daemon's timer (`onChange`).
final class ControlHandler: @unchecked Sendable {
    private let manager: Manager
    private let now: @Sendable () -> Date
    private let onChange: () -> Void
    /// Group ids whose members may write, and read.
    private let adminGroup: UInt32?
    private let readerGroup: UInt32?

    init(manager: Manager, adminGroup: String?, now: @escaping @Sendable () -> Date, onChange: @escaping () -> Void) {
        self.manager = manager
        self.now = now
        self.onChange = onChange
        self.adminGroup = adminGroup.flatMap(Peer.gid(of:))
        self.readerGroup = Peer.gid(of: "cadenced")
    }

    private enum Access { case read, write }

    private func allowed(_ peer: Peer, _ access: Access) -> Bool {
        if peer.uid == 0 || peer.uid == getuid() { return true }
        if let adminGroup, peer.groups.contains(adminGroup) { return true }
        if access == .read, let readerGroup, peer.groups.contains(readerGroup) { return true }
        return false
    }

    func handle(_ call: VarlinkCall, peer: Peer) -> [String: Any] {
        switch call.interface {
        case "org.varlink.service":
            return service(call)
        case LedgerInterface.name:
            do {
                return ["parameters": try ledger(call, peer: peer)]
            } catch let error as VarlinkError {
                return error.reply
            } catch {
                return VarlinkError.ledgerFailure("\(error)").reply
            }
        default:
            return VarlinkError.interfaceNotFound(call.interface).reply
        }
    }

    private func service(_ call: VarlinkCall) -> [String: Any] {
        switch call.member {
        case "GetInfo":
            return [
                "parameters": [
                    "vendor": "cadenced", "product": "cadenced", "version": CadenceVersion.string,
                    "url": "https://github.com/cadenced/cadenced",
                    "interfaces": ["org.varlink.service", LedgerInterface.name],
                ]
            ]
        case "GetInterfaceDescription":
            switch call.parameters["interface"] as? String {
            case "org.varlink.service": return ["parameters": ["description": LedgerInterface.serviceDescription]]
            case LedgerInterface.name: return ["parameters": ["description": LedgerInterface.description]]
            case let other?: return VarlinkError.interfaceNotFound(other).reply
            case nil: return VarlinkError.invalidParameter("interface").reply
            }
        default:
            return VarlinkError.methodNotFound(call.method).reply
        }
    }

    private func ledger(_ call: VarlinkCall, peer: Peer) throws -> [String: Any] {
        let p = call.parameters
        let write = ["AddItem", "CloseItem"].contains(call.member)
        guard allowed(peer, write ? .write : .read) else {
            throw VarlinkError.permissionDenied(
                "\(peer.user) (uid \(peer.uid)) may not \(write ? "change" : "read") the ledger; "
                    + (write ? "root and members of AdminGroup= may" : "members of the cadenced group may"))
        }
        let instant = now()
        let actor = Actor(uid: peer.uid, user: peer.user)
        switch call.member {
        case "GetStatus":
            return ["status": try manager.statusObject(at: instant)]
        case "AddItem":
            let unit = try string(p, "unit")
            let title = try string(p, "title")
            let deadlineText = try string(p, "deadline")
            guard let deadline = manager.parseDeadline(deadlineText) else {
                throw VarlinkError.invalidArgument(
                    "deadline", "'\(deadlineText)' is not a date (YYYY-MM-DD) or an ISO 8601 instant")
            }
            guard deadline > instant else {
                throw VarlinkError.invalidArgument("deadline", "'\(deadlineText)' is not in the future")
            }
            let id: Int64
            do {
                id = try manager.store.addItem(
                    unit: unit, title: title, deadline: deadline, schedule: manager.itemSchedule, at: instant,
                    actor: actor)
            } catch let error as LedgerError {
                throw VarlinkError.invalidArgument("item", error.description)
            }
            onChange()
            return ["item": try itemObject(id, at: instant)]
        case "GetItem":
            return ["item": try itemObject(try int(p, "id"), at: instant)]
        case "CloseItem":
            let id = try int(p, "id")
            do {
                try manager.store.closeItem(id, at: instant, actor: actor)
            } catch LedgerError.unknownItem(let id) {
                throw VarlinkError.noSuchItem(id)
            } catch let error as LedgerError {
                throw VarlinkError.invalidArgument("id", error.description)
            }
            onChange()
            return ["item": try itemObject(id, at: instant)]
        case "ListItems":
            let unit = try optional(p, "unit", as: String.self)
            let overdueOnly = try optionalBool(p, "overdueOnly") ?? false
            let limit = try optionalInt(p, "limit") ?? 1000
            guard (1...1_000_000).contains(limit) else {
                throw VarlinkError.invalidArgument("limit", "must be between 1 and 1000000, got \(limit)")
            }
            let (items, total) = try manager.store.items(
                unit: unit, overdueAt: overdueOnly ? instant : nil, limit: limit)
            return ["items": items.map { Self.object($0, at: instant) }, "total": total]
        case "ListHistory":
            let limit = try optionalInt(p, "limit") ?? 1000
            guard (1...1_000_000).contains(limit) else {
                throw VarlinkError.invalidArgument("limit", "must be between 1 and 1000000, got \(limit)")
            }
            let entries = try manager.store.history(limit: limit).map { entry -> [String: Any] in
                var object: [String: Any] = [
                    "at": Self.iso(entry.at), "uid": Int(entry.uid), "user": entry.user, "action": entry.action,
                    "details": entry.details,
                ]
                if let item = entry.itemId { object["item"] = item }
                return object
            }
            return ["entries": entries]
        default:
            throw VarlinkError.methodNotFound(call.method)
        }
    }

    private func itemObject(_ id: Int64, at instant: Date) throws -> [String: Any] {
        guard let item = try manager.store.item(id) else { throw VarlinkError.noSuchItem(id) }
        return Self.object(item, at: instant)
    }

    static func object(_ item: ItemRecord, at instant: Date) -> [String: Any] {
        var object: [String: Any] = [
            "id": item.id, "unit": item.unit, "title": item.title, "deadline": iso(item.deadline),
            "state": item.state, "overdue": item.closedAt == nil && item.deadline <= instant,
            "stages": item.recordedStages.compactMap(ItemStage.init).sorted().map(\.description),
        ]
        if let next = item.nextEventAt { object["nextEvent"] = iso(next) }
        return object
    }

    static func iso(_ date: Date) -> String { ISOTimestamp.utc(date) }

    private func string(_ p: [String: Any], _ name: String) throws -> String {
        guard let value = p[name] as? String else { throw VarlinkError.invalidParameter(name) }
        guard !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw VarlinkError.invalidArgument(name, "is empty")
        }
        guard value.utf8.count <= 4096 else { throw VarlinkError.invalidArgument(name, "is longer than 4096 bytes") }
        guard !value.unicodeScalars.contains("\u{0}") else {
            throw VarlinkError.invalidArgument(name, "contains a NUL character")
        }
        return value
    }

    /// JSON numbers and booleans both arrive as NSNumber; a boolean has the type encoding "c".
    private static func isBoolean(_ value: Any) -> Bool {
        (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? false
    }

    private func int(_ p: [String: Any], _ name: String) throws -> Int64 {
        guard let value = try optionalInt(p, name) else { throw VarlinkError.invalidParameter(name) }
        return Int64(value)
    }

    private func optionalInt(_ p: [String: Any], _ name: String) throws -> Int? {
        guard let value = p[name], !(value is NSNull) else { return nil }
        guard !Self.isBoolean(value), let number = value as? Int else { throw VarlinkError.invalidParameter(name) }
        return number
    }

    private func optionalBool(_ p: [String: Any], _ name: String) throws -> Bool? {
        guard let value = p[name], !(value is NSNull) else { return nil }
        guard Self.isBoolean(value), let flag = value as? Bool else { throw VarlinkError.invalidParameter(name) }
        return flag
    }

    private func optional<T>(_ p: [String: Any], _ name: String, as type: T.Type) throws -> T? {
        guard let value = p[name], !(value is NSNull) else { return nil }
        guard let typed = value as? T else { throw VarlinkError.invalidParameter(name) }
        return typed
    }
}

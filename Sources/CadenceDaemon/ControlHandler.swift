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

    /// Whether `peer` may change the ledger (and so send an import's large message).
    func mayWrite(_ peer: Peer) -> Bool { allowed(peer, .write) }

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

    /// Methods that change the ledger (root and `AdminGroup=` only).
    static let writeMethods: Set<String> = [
        "AddUnit", "RemoveUnit", "AssignRole", "AddCommitment", "EvaluateCommitment", "RecordReview", "SubmitReport",
        "AddItem", "UpdateItem", "CloseItem", "Import",
    ]

    private func ledger(_ call: VarlinkCall, peer: Peer) throws -> [String: Any] {
        let write = Self.writeMethods.contains(call.member)
        guard allowed(peer, write ? .write : .read) else {
            throw VarlinkError.permissionDenied(
                "\(peer.user) (uid \(peer.uid)) may not \(write ? "change" : "read") the ledger; "
                    + (write ? "root and members of AdminGroup= may" : "members of the cadenced group may"))
        }
        let request = LedgerRequest(
            manager: manager, parameters: ControlParameters(call.parameters), now: now(),
            actor: Actor(uid: peer.uid, user: peer.user))
        let reply: [String: Any]
        do {
            reply = try request.answer(call.member)
        } catch let error as LedgerError {
            throw Self.varlinkError(error)
        }
        if write { onChange() }
        return reply
    }

    static func varlinkError(_ error: LedgerError) -> VarlinkError {
        switch error {
        case .unknownItem(let id): .noSuchItem(id)
        case .unknownUnit(let id): .ledger(name: "NoSuchUnit", parameters: ["id": id])
        case .notFound(let what): .ledger(name: "NotFound", parameters: ["reason": what])
        case .invalid(let reason): .invalidArgument("", reason)
        case .badRows: .invalidArgument("", error.description)
        case .newerSchema, .corrupt: .ledgerFailure(error.description)
        }
    }

    static func iso(_ date: Date) -> String { ISOTimestamp.utc(date) }
}

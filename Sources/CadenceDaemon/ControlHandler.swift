import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Foundation

/// Answers Varlink calls: `org.varlink.service` introspection and `io.cadenced.Ledger`, with the
/// authorization DESIGN.md asks for. Every change goes through the manager, is recorded in the
/// append-only history with the caller, and re-arms the daemon's timer (`onChange`).
final class ControlHandler {
    private let manager: Manager
    private let clock: DaemonClock
    private let onChange: () -> Void
    /// The group whose members may read.
    static let readerGroupName = "cadenced"

    /// - Parameter adminGroup: the group whose members may write; nil = `AdminGroup=` of the
    ///   configuration in force, read at each call (so a reload changes it).
    init(
        manager: Manager, adminGroup: String? = nil, clock: DaemonClock,
        onChange: @escaping () -> Void
    ) {
        self.manager = manager
        self.clock = clock
        self.onChange = onChange
        self.fixedAdminGroup = adminGroup
    }

    private let fixedAdminGroup: String?

    /// `AdminGroup=` in force.
    private var adminGroupName: String? { fixedAdminGroup ?? manager.configuration.daemon.adminGroup }

    /// The group of the delivery service: its members may take the outbox's messages and report
    /// what became of them, and nothing else.
    static let deliveryGroupName = "cadenced-deliver"

    private enum Access { case read, write, deliver }

    /// Whether `peer` may change the ledger (and so send an import's large message).
    func mayWrite(_ peer: Peer) -> Bool { allowed(peer, .write) }

    private func allowed(_ peer: Peer, _ access: Access) -> Bool {
        if peer.uid == 0 || peer.uid == getuid() { return true }
        if let adminGroup = adminGroupName.flatMap(Peer.gid(of:)), peer.groups.contains(adminGroup) { return true }
        if access == .deliver {
            return Peer.gid(of: Self.deliveryGroupName).map { peer.groups.contains($0) } ?? false
        }
        if access == .read, let readerGroup = Peer.gid(of: Self.readerGroupName), peer.groups.contains(readerGroup) {
            return true
        }
        return false
    }

    /// Who may do what is refused, in the words of the groups configured.
    private func refusal(_ peer: Peer, _ access: Access, copying: Bool = false) -> String {
        if access == .deliver {
            return "\(peer.user) (uid \(peer.uid)) is not the delivery service; only root, AdminGroup= and members "
                + "of group '\(Self.deliveryGroupName)' may take and report the outbox's messages"
        }
        let write = access == .write
        let verb = copying ? "back up" : write ? "change" : "read"
        let who = "\(peer.user) (uid \(peer.uid)) may not \(verb) the ledger; "
        let admins = adminGroupName.map { "members of group '\($0)' (AdminGroup=)" }
        if write {
            return who + "only root" + (admins.map { " and " + $0 } ?? " (AdminGroup= is not set)") + " may"
        }
        return who + "root, members of group '\(Self.readerGroupName)'" + (admins.map { " and " + $0 } ?? "")
            + " may"
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

    /// Methods for root and `AdminGroup=` only: those that change the ledger, and backups.
    static let writeMethods = Set(LedgerRequest.typedCalls.filter { $0.needsAdmin }.map { $0.method })

    /// Methods that change the ledger: the daemon plans again after each.
    static let changingMethods = Set(LedgerRequest.typedCalls.filter { $0.changesLedger }.map { $0.method })

    /// Methods for the delivery service (root, `AdminGroup=` and group `cadenced-deliver`).
    static let deliveryMethods = Set(LedgerRequest.typedCalls.filter { $0.forDeliveryService }.map { $0.method })

    private func ledger(_ call: VarlinkCall, peer: Peer) throws -> [String: Any] {
        let write = Self.writeMethods.contains(call.member)
        let access: Access = Self.deliveryMethods.contains(call.member) ? .deliver : write ? .write : .read
        guard allowed(peer, access) || (access == .deliver && allowed(peer, .write)) else {
            let copying = write && !Self.changingMethods.contains(call.member)
            throw VarlinkError.permissionDenied(refusal(peer, access, copying: copying))
        }
        // Who did it: the directory's person of this account, else the account's full name.
        let mapped = try? manager.store.person(account: peer.user)
        let request = LedgerRequest(
            manager: manager, parameters: ControlParameters(call.parameters), now: clock.wall(),
            actor: Actor(uid: peer.uid, user: peer.user, person: mapped?.name ?? peer.person, personID: mapped?.id))
        let reply: [String: Any]
        do {
            reply = try request.answer(call.member)
        } catch let error as LedgerError {
            throw Self.varlinkError(error)
        }
        // A delivery service's report changes the outbox only (a dead letter is delivered by its
        // answer): no tick, which at hundreds of reports a second would be the bottleneck.
        if Self.changingMethods.contains(call.member) && access != .deliver { onChange() }
        return reply
    }

    static func varlinkError(_ error: LedgerError) -> VarlinkError {
        switch error {
        case .unknownItem(let id): .noSuchItem(id)
        case .unknownUnit(let id): .ledger(name: "NoSuchUnit", parameters: ["id": id])
        case .notFound(let what): .ledger(name: "NotFound", parameters: ["reason": what])
        case .invalid(let reason): .invalidArgument("", reason)
        case .refused(let refusal): .refused(refusal)
        case .badRows: .invalidArgument("", error.description)
        case .newerSchema, .corrupt: .ledgerFailure(error.description)
        }
    }

    static func iso(_ date: Date) -> String { ISOTimestamp.utc(date) }
}

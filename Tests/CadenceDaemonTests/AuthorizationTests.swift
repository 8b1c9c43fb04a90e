import CadenceConfiguration
import CadenceControl
import CadenceCore
@testable import CadenceDaemon
import CadenceStore
import Foundation
import Logging
import Testing

/// A ledger in UTC whose `[Daemon]` section adds `conf`.
private func authorizationLedger(conf: String) throws -> InProcessLedger {
    try InProcessLedger(conf: "[Daemon]\nTimeZone=UTC\n" + conf, now: Date(timeIntervalSince1970: 1_800_000_000))
}

/// Two groups every Debian system has, standing in for an office's admin groups.
private let groupA = "daemon"
private let groupB = "bin"

@Suite("Who may read and change the ledger")
struct AuthorizationTests {
    @Test("AdminGroup= is the one in force: a reload that changes it changes who may write; refusals name the group")
    func reloadChangesAdminGroup() throws {
        let ledger = try authorizationLedger(conf: "AdminGroup=\(groupA)\n")
        let officer = Peer(uid: 4242, gid: 4242, user: "officer", groups: [4242, Peer.gid(of: groupA)!])
        let unit: [String: Any] = ["id": "city", "name": "Example City Bureau", "kind": "bureau"]
        let first = try ledger.reply("AddUnit", unit, as: officer)
        #expect(first["error"] == nil, "\(first)")

        try ledger.reload(conf: "[Daemon]\nTimeZone=UTC\n" + "AdminGroup=\(groupB)\n")
        let refused = try ledger.reply(
            "AddUnit", ["id": "county-a", "name": "County A", "kind": "bureau"], as: officer)
        #expect(refused["error"] as? String == "io.cadenced.Ledger.PermissionDenied", "\(refused)")
        let reason = (refused["parameters"] as? [String: Any])?["reason"] as? String ?? ""
        #expect(
            reason == "officer (uid 4242) may not change the ledger; only root and members of group '\(groupB)' "
                + "(AdminGroup=) may")
        // Reading needs the cadenced group or the admin group: the refusal says both.
        let read = try ledger.reply("ListUnits", [:], as: officer)
        let readReason = (read["parameters"] as? [String: Any])?["reason"] as? String ?? ""
        #expect(
            readReason
                == "officer (uid 4242) may not read the ledger; root, members of group 'cadenced' and members of "
                + "group '\(groupB)' (AdminGroup=) may")

        try ledger.reload(conf: "[Daemon]\nTimeZone=UTC\n" + "")
        let rootOnly = try ledger.reply(
            "AddUnit", ["id": "county-b", "name": "County B", "kind": "bureau"], as: officer)
        let rootOnlyReason = (rootOnly["parameters"] as? [String: Any])?["reason"] as? String ?? ""
        #expect(rootOnlyReason.hasSuffix("only root (AdminGroup= is not set) may"), "\(rootOnly)")
        #expect(try ledger.manager.store.units().map(\.id) == ["city"])
    }

    // Bad input tried: a group name that is well formed but exists nowhere.
    @Test("AdminGroup= naming no group of this system is refused at its line (--check-config too)")
    func unknownAdminGroupRefused() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cadenced-grp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("cadenced.conf.d"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("[Daemon]\nTimeZone=UTC\n".utf8).write(to: root.appendingPathComponent("cadenced.conf"))
        try Data("# the office's admins\n[Daemon]\nAdminGroup=cadence-admins-nowhere\n".utf8)
            .write(to: root.appendingPathComponent("cadenced.conf.d/50-admins.conf"))
        do {
            _ = try ConfigurationLoader(directory: root.path).load(reference: Date(), systemTimeZone: .gmt)
            Issue.record("a group that does not exist was accepted")
        } catch {
            #expect(
                error.description
                    == "\(root.path)/cadenced.conf.d/50-admins.conf:3: AdminGroup= 'cadence-admins-nowhere' names no "
                    + "group of this system (create it with groupadd cadence-admins-nowhere, or leave AdminGroup= "
                    + "empty so that only root may change the ledger)")
        }
    }

    @Test(
        "Every method of the interface is a typed call with an answer, and those that change the ledger need write access"
    )
    func everyMethodTyped() throws {
        let described = Set(
            LedgerInterface.description.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("method ") else { return nil }
                return String(line.dropFirst("method ".count).prefix { $0 != "(" })
            })
        let typed = LedgerRequest.typedCalls.map { $0.method }
        #expect(described.count == 48)
        #expect(Set(typed) == described)
        #expect(Set(LedgerRequest.typedMethods.keys) == described)
        #expect(typed.count == described.count)
        #expect(
            ControlHandler.writeMethods == [
                "AddUnit", "EditUnit", "RemoveUnit", "AssignRole", "EndRole", "AddCommitment", "EvaluateCommitment",
                "RecordReview", "RemoveReview", "SubmitReport", "RemoveReport", "Import", "AddItem", "UpdateItem",
                "EditItem", "RemoveItem", "ReplyItem", "CloseItem", "AddPerson",
                "RemovePerson", "RetryDelivery", "RecordDelivery", "SendTest", "Backup", "ReadBackup", "HandIn",
                "RecordCount",
            ])
        // A backup needs an administrator but changes nothing: the daemon does not plan again after it.
        #expect(ControlHandler.changingMethods == ControlHandler.writeMethods.subtracting(["Backup", "ReadBackup"]))
    }
}

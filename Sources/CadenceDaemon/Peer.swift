import CadenceConfiguration
import CadenceControl
import CadenceCore
import CadenceStore
import Dispatch
import Foundation
import Logging
#if canImport(Glibc)
    import Glibc
#endif

/// A failure to set up the control socket.
public struct ControlSocketError: Error, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32
    public var description: String {
        "cannot \(operation) the control socket '\(path)': \(String(cString: strerror(code)))"
    }
}

/// The credentials of a connected client (SO_PEERCRED) and its groups.
struct Peer: Sendable {
    var uid: UInt32
    var gid: UInt32
    var user: String
    var groups: Set<UInt32>
    /// The account's full name (the first field of its GECOS entry), when it has one.
    var person: String? = nil

    static func of(_ fd: Int32) -> Peer {
        // struct ucred (socket(7)); Glibc hides it behind _GNU_SOURCE.
        struct Credentials {
            var pid: Int32 = 0
            var uid: UInt32 = 0
            var gid: UInt32 = 0
        }
        var credentials = Credentials()
        var length = socklen_t(MemoryLayout<Credentials>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else {
            return Peer(uid: UInt32.max, gid: UInt32.max, user: "?", groups: [])
        }
        var user = "uid \(credentials.uid)"
        var person: String?
        var groups: Set<UInt32> = [credentials.gid]
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        if getpwuid_r(credentials.uid, &entry, &buffer, buffer.count, &result) == 0, result != nil {
            user = String(cString: entry.pw_name)
            if let gecos = entry.pw_gecos {
                let fields = String(cString: gecos).split(separator: ",", omittingEmptySubsequences: false)
                let name = fields.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                if !name.isEmpty { person = name }
            }
            var count: Int32 = 64
            var list = [gid_t](repeating: 0, count: 64)
            if getgrouplist(entry.pw_name, credentials.gid, &list, &count) >= 0 {
                groups.formUnion(list.prefix(Int(count)))
            }
        }
        return Peer(uid: credentials.uid, gid: credentials.gid, user: user, groups: groups, person: person)
    }

    /// The gid of a group name, or nil.
    static func gid(of group: String) -> UInt32? { SystemGroups.gid(of: group) }
}

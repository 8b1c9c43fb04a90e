#if canImport(Glibc)
    import Glibc
#endif

/// The system's group database (NSS), as `AdminGroup=` and the control socket's access rules read it.
public enum SystemGroups {
    /// The gid of the group called `name`, or nil when there is none.
    public static func gid(of name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}

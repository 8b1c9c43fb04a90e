public import Foundation

/// The copy of the last configuration cadenced ran with, kept in the state directory
/// (`last-good-config`), so that a start with a broken configuration directory still serves the
/// ledger (DESIGN.md "Bad input and faults").
///
/// The copy holds the files the loader reads (`cadenced.conf`, `cadenced.conf.d/*.conf`,
/// `cadences.d/*.cadence`, `holidays.d/*.conf`, `robots.d/*.robot`, `routes.d/*.route`) and the notice templates
/// (`templates/LANG/*.md`).
/// `last-good-config` is a symbolic link to a directory named by the instant it was saved; a new
/// copy is written beside it and the link replaced with `rename(2)`, so a kill at any moment leaves
/// the old copy or the new one, whole.
public struct LastGoodConfiguration: Sendable {
    public let stateDirectory: String

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    /// The copy's directory (the link), to load like a configuration directory.
    public var path: String { stateDirectory + "/last-good-config" }

    /// Whether a copy exists.
    public var exists: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// When the copy was saved (its directory's name), if there is one.
    public var savedAt: Date? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path),
            let micros = Int64(target.split(separator: ".").last ?? "")
        else { return nil }
        return Date(timeIntervalSince1970: Double(micros) / 1e6)
    }

    /// Saves the configuration in `directory` as the last good one, unless the copy already holds
    /// exactly these files. Returns whether a new copy was written.
    @discardableResult
    public func save(from directory: String, at now: Date) throws -> Bool {
        let files = Self.configurationFiles(in: directory)
        if exists, Self.configurationPaths(in: path) == files.keys.sorted(),
            files.allSatisfy({ FileManager.default.contents(atPath: path + "/" + $0.key) == $0.value })
        {
            return false
        }
        let manager = FileManager.default
        let name = "last-good-config.\(Int64((now.timeIntervalSince1970 * 1e6).rounded()))"
        let fresh = stateDirectory + "/" + name
        try? manager.removeItem(atPath: fresh)
        try manager.createDirectory(atPath: fresh, withIntermediateDirectories: true)
        for (relative, data) in files {
            let target = fresh + "/" + relative
            try manager.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard manager.createFile(atPath: target, contents: data, attributes: [.posixPermissions: 0o640]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target])
            }
        }
        let previous = try? manager.destinationOfSymbolicLink(atPath: path)
        let link = stateDirectory + "/.last-good-config.link"
        try? manager.removeItem(atPath: link)
        try manager.createSymbolicLink(atPath: link, withDestinationPath: name)
        guard rename(link, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        if let previous, previous != name, !previous.contains("/") {
            try? manager.removeItem(atPath: stateDirectory + "/" + previous)
        }
        return true
    }

    /// The configuration files under `directory` (relative paths) with their contents.
    static func configurationFiles(in directory: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let manager = FileManager.default
        func add(_ relative: String) {
            let full = directory + "/" + relative
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = manager.contents(atPath: full)
            else { return }
            files[relative] = data
        }
        func names(_ subdirectory: String, suffix: String) -> [String] {
            ((try? manager.contentsOfDirectory(atPath: directory + "/" + subdirectory)) ?? [])
                .filter { !$0.hasPrefix(".") && $0.hasSuffix(suffix) }.map { subdirectory + "/" + $0 }
        }
        add("cadenced.conf")
        for relative in names("cadenced.conf.d", suffix: ".conf") { add(relative) }
        for relative in names("cadences.d", suffix: ".cadence") { add(relative) }
        for relative in names("holidays.d", suffix: ".conf") { add(relative) }
        for relative in names("robots.d", suffix: ".robot") { add(relative) }
        for relative in names("routes.d", suffix: ".route") { add(relative) }
        for relative in names("plans.d", suffix: ".plan") { add(relative) }
        for language in (try? manager.contentsOfDirectory(atPath: directory + "/templates")) ?? []
        where !language.hasPrefix(".") {
            for relative in names("templates/" + language, suffix: ".md") { add(relative) }
        }
        return files
    }

    /// The relative paths of ``configurationFiles(in:)``, sorted.
    static func configurationPaths(in directory: String) -> [String] {
        let files: [String: Data] = configurationFiles(in: directory)
        return files.keys.sorted()
    }
}

/// The assignments of a main file and its drop-ins, in the order they apply.
///
/// Lookups implement systemd's drop-in rules: for a single-valued key the last assignment wins;
/// for a list-valued key assignments accumulate and an empty assignment (`Key=`) clears what came before.
public struct IniConfiguration: Hashable, Sendable {
    public var documents: [IniDocument]

    public init(documents: [IniDocument]) {
        self.documents = documents
    }

    /// Every assignment of every file, main file first.
    public var assignments: [IniAssignment] { documents.flatMap(\.assignments) }

    /// Every section header of every file, main file first.
    public var sectionHeaders: [IniSectionHeader] { documents.flatMap(\.sections) }

    /// The assignment that wins for a single-valued key, or nil when the key is never assigned.
    public func last(_ section: String, _ key: String) -> IniAssignment? {
        assignments.last { $0.section == section && $0.key == key }
    }

    /// The assignments that make up a list-valued key: those after the last empty assignment.
    ///
    /// Returns nil when the key is never assigned (so the caller applies its default), and an empty
    /// array when the last assignment is a reset.
    public func list(_ section: String, _ key: String) -> [IniAssignment]? {
        let all = assignments.filter { $0.section == section && $0.key == key }
        guard !all.isEmpty else { return nil }
        if let reset = all.lastIndex(where: { $0.value.isEmpty }) {
            return Array(all[(reset + 1)...])
        }
        return all
    }

    /// Errors for every section and key that `schema` does not know, each at its own line.
    public func unknownNames(schema: IniSchema) -> [ConfigurationError] {
        var errors: [ConfigurationError] = []
        for header in sectionHeaders where schema.sections[header.name] == nil {
            errors.append(.unknownSection(header.location, section: header.name))
        }
        for assignment in assignments {
            // An unknown section was reported at its header; its keys are not reported again.
            guard let keys = schema.sections[assignment.section] else { continue }
            if keys[assignment.key] == nil {
                errors.append(.unknownKey(assignment.location, section: assignment.section, key: assignment.key))
            }
        }
        return errors
    }
}

/// The sections and keys a configuration file may contain, and whether each key holds one value or a list.
public struct IniSchema: Sendable {
    /// How repeated assignments of a key combine.
    public enum Multiplicity: Sendable {
        /// The last assignment wins; an empty assignment restores the default.
        case single
        /// Assignments accumulate; an empty assignment clears the list.
        case list
    }

    public var sections: [String: [String: Multiplicity]]

    public init(_ sections: [String: [String: Multiplicity]]) {
        self.sections = sections
    }
}

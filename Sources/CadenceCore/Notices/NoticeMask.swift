import Foundation

/// Where the daemon itself writes a notice: the notice directory and the journal.
public enum NoticeSink: String, Hashable, Sendable, CaseIterable {
    case files
    case journal

    /// `files` (or `file`) and `journal`, as `MaskNames=` takes them.
    public init?(word: String) {
        switch word {
        case "files", "file": self = .files
        case "journal": self = .journal
        default: return nil
        }
    }
}

extension Notice {
    /// The notice as a sink that masks names shows it: each person it names (``names``) masked in
    /// its subject, body, title and fields (孙三 → 孙*). The ledger keeps the whole notice.
    public func namesMasked() -> Notice {
        var copy = self
        copy.masked = true
        guard let names, !names.isEmpty else { return copy }
        copy.subject = NameMask.mask(names, in: subject)
        copy.body = NameMask.mask(names, in: body)
        copy.title = title.map { NameMask.mask(names, in: $0) }
        copy.fields = fields?.mapValues { NameMask.mask(names, in: $0) }
        return copy
    }
}

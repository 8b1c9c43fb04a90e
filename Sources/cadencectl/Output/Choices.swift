public import ArgumentParser
import CadenceConfiguration
import CadenceCore

// The ledger's vocabularies as option values: the parser lists the choices in help and
// completions, and a bad value exits 64 before any call reaches the daemon.
extension ItemState: ExpressibleByArgument {}
extension ItemSource: ExpressibleByArgument {}
extension ItemScope: ExpressibleByArgument {}
extension ItemPriority: ExpressibleByArgument {}
extension UnitKind: ExpressibleByArgument {}
extension UnitRole: ExpressibleByArgument {}
extension ReviewForm: ExpressibleByArgument {}
extension CommitmentStatus: ExpressibleByArgument {}
extension ReviewKind: ExpressibleByArgument {}
extension NoticeKind: ExpressibleByArgument {}
extension ExchangeFormat: ExpressibleByArgument {}
extension EvaluationVariant: ExpressibleByArgument {}
extension EvaluationFormat: ExpressibleByArgument {}
extension NoticeLanguage: ExpressibleByArgument {}
extension TextEncodingChoice: ExpressibleByArgument {}
extension DeliveryState: ExpressibleByArgument {}

/// A local date typed as `YYYY-MM-DD`; anything else is a usage error.
extension LocalDate: ExpressibleByArgument {
    init?(argument: String) { self.init(argument) }
}

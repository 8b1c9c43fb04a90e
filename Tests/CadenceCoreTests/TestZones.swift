import CadenceCore

extension CalendarExpression {
    /// Core tests read zone suffixes through Foundation alone; the system's tz files (systemd's rule)
    /// are tested in CadenceConfigurationTests.
    init(_ text: String) throws { try self.init(text, zones: .foundation) }
}

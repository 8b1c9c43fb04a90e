/// The Varlink interfaces cadenced serves, as their IDL texts (returned by
/// `org.varlink.service.GetInterfaceDescription`).
public enum LedgerInterface {
    public static let name = "io.cadenced.Ledger"
    public static let socketPath = "/run/cadenced/io.cadenced"

    public static let description = """
        # The rectification ledger (整改台账) of cadenced and the daemon's state.
        # Instants are ISO 8601 in UTC; a deadline may also be a local date (YYYY-MM-DD),
        # which falls due at DeadlineTime= of that day in the configured zone.
        interface io.cadenced.Ledger

        type Item (
          id: int,
          unit: string,
          title: string,
          deadline: string,
          state: string,
          overdue: bool,
          nextEvent: ?string,
          stages: []string
        )

        type Status (
          version: string,
          timeZone: string,
          nextCadence: ?string,
          nextCadenceAt: ?string,
          items: int,
          openItems: int,
          overdue: int,
          notices: int,
          undelivered: int
        )

        type HistoryEntry (
          at: string,
          uid: int,
          user: string,
          action: string,
          item: ?int,
          details: string
        )

        # The daemon's state: next cadence occurrence and counts.
        method GetStatus() -> (status: Status)

        # Adds an open rectification item. The deadline must be in the future.
        method AddItem(unit: string, title: string, deadline: string) -> (item: Item)

        # One item.
        method GetItem(id: int) -> (item: Item)

        # Items, oldest deadline first; filtered by unit and/or to overdue ones.
        method ListItems(unit: ?string, overdueOnly: ?bool, limit: ?int) -> (items: []Item, total: int)

        # Verified and struck off (挂牌销号): the item announces nothing more.
        method CloseItem(id: int) -> (item: Item)

        # The append-only history of changes (who, when, what), oldest first: the newest `limit`.
        method ListHistory(limit: ?int) -> (entries: []HistoryEntry)

        error NoSuchItem (id: string)
        error InvalidArgument (parameter: string, reason: string)
        error PermissionDenied (reason: string)
        error LedgerFailure (reason: string)
        """

    public static let serviceDescription = """
        # The Varlink service interface.
        interface org.varlink.service

        # Get a list of all the interfaces a service provides and information
        # about the implementation.
        method GetInfo() -> (
          vendor: string,
          product: string,
          version: string,
          url: string,
          interfaces: []string
        )

        # Get the description of an interface that is implemented by this service.
        method GetInterfaceDescription(interface: string) -> (description: string)

        # The requested interface was not found.
        error InterfaceNotFound (interface: string)

        # The requested method was not found
        error MethodNotFound (method: string)

        # The interface defines the requested method, but the service does not
        # implement it.
        error MethodNotImplemented (method: string)

        # One of the passed parameters is invalid.
        error InvalidParameter (parameter: string)

        # Client is denied access
        error PermissionDenied ()

        # Method is expected to be called with 'more' set to true, but wasn't
        error ExpectedMore ()
        """
}

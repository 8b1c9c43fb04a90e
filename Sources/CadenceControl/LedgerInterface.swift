import CadenceCore
/// The Varlink interfaces cadenced serves, as their IDL texts (returned by
/// `org.varlink.service.GetInterfaceDescription`).
public enum LedgerInterface {
    public static let name = "io.cadenced.Ledger"
    public static let socketPath = "/run/cadenced/io.cadenced"

    public static let description = """
        # The campaign ledger of cadenced: units, roles, commitments, reviews held, information
        # reports, and the rectification ledger (整改台账) with its lifecycle.
        # Instants are ISO 8601 in UTC. A deadline may also be a local date (YYYY-MM-DD), +N days
        # or +Nwd working days from today; it falls due at DeadlineTime= of that day in the
        # configured zone. Dates (heldOn, submittedOn, publishedOn) are local YYYY-MM-DD.
        interface io.cadenced.Ledger

        \(UnitRecord.interfaceType)

        \(RoleRecord.interfaceType)

        \(CommitmentRecord.interfaceType)

        \(ReviewRecord.interfaceType)

        \(ReportRecord.interfaceType)

        \(QuotaLine.interfaceType)

        \(RectificationItem.interfaceType)

        \(PersonRecord.interfaceType)

        \(DeliveryRecord.interfaceType)

        \(DueDelivery.interfaceType)

        type Notice (
          key: string,
          kind: string,
          due: string,
          emitted: string,
          subject: string,
          body: string,
          late: bool,
          delivered: bool,
          unit: ?string,
          item: ?int,
          period: ?string,
          file: ?string
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
          unit: ?string,
          details: string
        )

        type ImportProblem (
          line: int,
          reason: string
        )

        type ImportChange (
          line: int,
          item: int,
          fields: []ImportField
        )

        type ImportField (
          name: string,
          from: string,
          to: string
        )

        # The daemon's state: next cadence occurrence and counts.
        \(GetStatusCall.definition)

        # Adds a unit. kind: bureau, county-bureau, city-direct, district, township, village,
        # party-committee, branch, department, other. The monthly report quota defaults by kind
        # (county-bureau 4, city-direct 2, others 0).
        \(AddUnitCall.definition)

        # One unit and the ids of its sub-units.
        \(GetUnitCall.definition)

        # Units by id; the children of `parent` when given.
        \(ListUnitsCall.definition)

        # Corrects a unit: name, kind, quota, or its place in the tree (parent, or topLevel);
        # a move keeps its records; refused under one of its own sub-units. changed names the
        # fields that changed; the history has each with the reason.
        \(EditUnitCall.definition)

        # Takes a unit out of the tree (refused while it has sub-units or open items).
        \(RemoveUnitCall.definition)

        # Gives a role (first, main, direct, liaison, office-head, group-leader, group-deputy,
        # group-member, contact-leader, inspector) to a person; items naming the role follow it.
        \(AssignRoleCall.definition)

        # Ends one person's tenure of a role: a member leaving the leading group, an inspector
        # leaving; the tenure is kept with its end.
        \(EndRoleCall.definition)

        # Current role holders, or every tenure with includePast.
        \(ListRolesCall.definition)

        # A public commitment of a unit, or of one of its members (member).
        \(AddCommitmentCall.definition)

        \(ListCommitmentsCall.definition)

        # The commitments notice board (公示栏) of a year (default this one), per unit (unit and the
        # units under it, or all): who, post, commitment, publication date, standing; then those not
        # published by the deadline the commitment call's PublishWithinDays= sets (or not at all).
        # format md (default), html or csv (json is refused); mask shows members as 孙*.
        \(CommitmentBoardCall.definition)

        # How far a commitment is honoured (fulfilled, partial, unfulfilled), judged at a review.
        \(EvaluateCommitmentCall.definition)

        # A review, inspection, appraisal or evaluation held for a unit. It follows affiliation: by
        # the parent unit (the default) or the unit's contact-point leader, unless override.
        # period defaults to the one containing heldOn (quarter, half-year or year by kind).
        \(RecordReviewCall.definition)

        \(ListReviewsCall.definition)

        # Takes out a review recorded by mistake (the reason goes into the history). If no other
        # record meets its duty, the duty is missed again: duty is "reopened" when the missed-duty
        # item it had closed is open again, "opened" when the period's check had found it done and
        # an item is opened now, else "unchanged"; item is that item's number.
        \(RemoveReviewCall.definition)

        # The campaign plans in force (plans.d), or the one named, as text in the configured
        # language: each phase with its dates as the plan wrote them and where today stands, each
        # deliverable with the units that handed it in and those that did not.
        \(GetPlanCall.definition)

        # A unit handed in a deliverable of a plan (handedOn defaults to today, never later); the
        # missed-duty item it got at the due day is closed (closed lists it). Once per unit.
        \(HandInCall.definition)

        # A unit did something towards a plan's yearly quota or range ([Quota NAME], [Range NAME]
        # of the plan): count (default 1) on day (default today, never later), with a note of the
        # evidence. total is the unit's count after it (a quota's within the day's year).
        \(RecordCountCall.definition)

        # One information report submitted by a unit; month defaults to that of submittedOn.
        \(SubmitReportCall.definition)

        # The reports recorded, newest month first.
        \(ListReportsCall.definition)

        # Takes out a report recorded by mistake (the reason goes into the history). A month's
        # quota check already done is not done again.
        \(RemoveReportCall.definition)

        # The rectification ledger (整改台账) as one HTML page with an A4 print stylesheet: per
        # unit (unit and the units under it, or all), the columns offices file, page numbers and a
        # signature line. cadencectl ledger print makes a PDF of it with headless Chromium.
        \(PrintLedgerCall.definition)

        # Reports submitted against quotas in a month (default: the current one).
        \(GetQuotaCall.definition)

        # Adds an open rectification item. The deadline must be in the future; the first
        # responsible person defaults to the unit's role 'first' (@first) and is required.
        # recurrenceOf names the earlier item whose problem came back, missedBy the review or
        # inspection of the unit that did not find it: either links and flags the item (overdue,
        # it goes straight to accountability).
        \(AddItemCall.definition)

        # One item.
        \(GetItemCall.definition)

        # Items, oldest deadline first; filtered by unit, state and/or to overdue ones.
        \(ListItemsCall.definition)

        # Moves an item through its lifecycle. action: progress (note), rectified (note),
        # verify (by: not the direct responsible person; default the caller), reject (note),
        # defer (plan, explanation, deadline), refer (referredTo), reopen (note, deadline).
        \(UpdateItemCall.definition)

        # Corrects an item's fields (not its deadline: defer, reopen), each change and the
        # reason in the history; changed names the fields that changed. A source made
        # superior-circular flags the item for accountability when overdue.
        \(EditItemCall.definition)

        # Takes out an item added by mistake; refused once people acted on it, unless force.
        \(RemoveItemCall.definition)

        # The reply given to the complainant of a complaint item. A complaint has a reply deadline
        # of its own (replyDue: ComplaintReplyDays= working days after it is recorded) and cannot be
        # verified before its reply is recorded (Refused, parameter reply).
        \(ReplyItemCall.definition)

        # Verified and struck off (挂牌销号): UpdateItem with action verify.
        \(CloseItemCall.definition)

        # The newest notices, oldest first.
        \(ListNoticesCall.definition)

        # The append-only history of changes (who, when, what), oldest first: the newest `limit`.
        \(ListHistoryCall.definition)

        # Adds a person to the directory. Roles and responsible people that name the person (by
        # id, or by a name only one person has) reach them at these addresses.
        \(AddPersonCall.definition)

        \(GetPersonCall.definition)

        # The directory by id; the persons of `unit` when given.
        \(ListPersonsCall.definition)

        # Takes a person out of the directory (the history keeps who they were).
        \(RemovePersonCall.definition)

        # The outbox: one message per notice, person and channel. state: waiting, sent, failed.
        \(ListDeliveriesCall.definition)

        # Sends a failed message again, to the address the directory has now.
        \(RetryDeliveryCall.definition)

        # A test message to a person through each channel the directory has an address for.
        \(SendTestCall.definition)

        # For the delivery service (group cadenced-deliver): the messages due now.
        \(TakeDeliveriesCall.definition)

        # For the delivery service: what an attempt came to. outcome: sent, temporary (tried
        # again later, with backoff), permanent (given up; a delivery-failed notice says so).
        \(RecordDeliveryCall.definition)

        # Imports units, commitments or items from CSV or JSON text (the client decodes the file).
        # Every row is checked; if any is bad, nothing is imported and every problem is listed.
        # Items are imported once: a row whose unit and number (or, without a number column, unit and
        # problem) are in the ledger is not added again; one that differs is listed in changed, and
        # applied only with update.
        \(ImportCall.definition)

        # Exports units, commitments or items as CSV or JSON text.
        \(ExportCall.definition)

        # An evaluation report: variant year-end (一年一总评, the default), mid-year (January to
        # June), ledger-opening, ledger-check, ledger-call-in (年初建账、年中查账、年底要账); format md (the
        # default), html (one self-contained page with charts), csv (one row per unit) or json. The
        # figures are the ledger at asOf (a date: the end of that day; default now), capped at the end
        # of the period; unit limits it to that unit and its sub-units; mask replaces person names
        # with codes; language zh or en (default: the daemon's).
        \(EvaluateCall.definition)

        # An online, consistent copy of the whole ledger (SQLite's backup API, while notices keep
        # being written), checked and kept in the state directory as backup; root and AdminGroup=
        # only. Read it with ReadBackup; copies not read within an hour are deleted.
        \(BackupCall.definition)

        # Up to 4 MiB of a backup's bytes from offset, in base64 (data); size is the whole copy's.
        # The copy is deleted when its last byte has been read.
        \(ReadBackupCall.definition)

        error NoSuchItem (id: string)
        error NoSuchUnit (id: string)
        error NotFound (reason: string)
        error InvalidArgument (parameter: string, reason: string)
        # The item's lifecycle refused a transition; nothing changed. code: wrong-state (state
        # names the item's), missing (parameter names what is needed), not-in-future,
        # direct-responsible, not-a-role, role-vacant, no-verifier.
        error Refused (code: string, reason: string, item: string, parameter: ?string, state: ?string)
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

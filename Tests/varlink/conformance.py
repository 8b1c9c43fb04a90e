#!/usr/bin/env python3
"""Varlink conformance of cadenced's control socket, seen through the `varlink` Python package
(a client nobody here wrote) and, where that client refuses to send something, raw JSON.

Usage: conformance.py SOCKET_PATH [--strict]

Every method of io.cadenced.Ledger is called through the package. Every reply is checked strictly
against the IDL the service itself returns (all fields present with the declared types, no
undeclared ones); every error against the errors its interface declares. Every refused call is
followed by a comparison of the whole ledger (units, roles, commitments, reviews, quotas, items,
history length, status counts) before and after: a refusal must change nothing.
Prints `N passed, M failed`; exits 1 on any failure (with --strict also on known server bugs).
"""

import csv
import datetime
import io
import json
import os
import pwd
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from varlinktest import Raw, Recorder, error_problems, reply_problems, varlink, wait_for_socket  # noqa: E402
from varlink import scanner  # noqa: E402

LEDGER = "io.cadenced.Ledger"
SERVICE = "org.varlink.service"

_args = [a for a in sys.argv[1:] if a != "--strict"]
if len(_args) != 1:
    sys.exit("usage: conformance.py SOCKET_PATH [--strict]")
PATH = _args[0]
t = Recorder("conformance")
interfaces = {}

# The daemon under test runs in UTC (VarlinkConformanceTests writes TimeZone=UTC).
TODAY = datetime.datetime.now(datetime.timezone.utc).date()
NEXT_YEAR = TODAY.year + 1
THIS_MONTH = f"{TODAY.year}-{TODAY.month:02d}"
THIS_QUARTER = f"{TODAY.year}-Q{(TODAY.month - 1) // 3 + 1}"
THIS_HALF = f"{TODAY.year}-H{1 if TODAY.month <= 6 else 2}"
ME = pwd.getpwuid(os.getuid()).pw_name

# Invented units and people. Ids carry the pid so that a rerun against the same daemon works.
S = os.getpid()
CITY = f"city-{S}"  # 示例市卫生局: the top of the tree
COUNTY = f"county-{S}"  # 示例县卫生局 under CITY: roles first and direct, a liaison, sub-unit BRANCH
ALPHA = f"alpha-{S}"  # Unit Alpha under CITY: its own quota, a first and a contact-point leader
BRANCH = f"branch-{S}"  # under COUNTY
GAMMA = f"gamma-{S}"  # under CITY, nobody holds its role 'first'
DELTA = f"delta-{S}"  # under CITY, removed
ROUND = f"round-{S}"  # under CITY, for the export/import round trip
NOWHERE = f"nowhere-{S}"  # never added


# Item fields the daemon's timer may change while the script runs.
VOLATILE = {"overdue", "stages", "nextEvent"}


def parse_instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def in_days(n):
    return (TODAY + datetime.timedelta(days=n)).isoformat()


class Capturing:
    """Wraps a client interface handle: remembers the raw reply parameters of the last call
    (before the package filters them) and checks them strictly against the IDL."""

    def __init__(self, handle, interface):
        self.handle = handle
        self.interface = interface
        self.raw = None
        self.answered = set()
        original = handle._next_varlink_message

        def capture():
            parameters, more = original()
            self.raw = parameters
            return parameters, more

        handle._next_varlink_message = capture

    def call(self, method, *args, **kwargs):
        result = getattr(self.handle, method)(*args, **kwargs)
        problems = reply_problems(self.interface, method, self.raw)
        t.check(not problems, f"{self.interface.name}.{method} reply fits the IDL", "; ".join(problems))
        self.answered.add(method)
        return self.raw

    def expect_error(self, what, name, method, /, *args, bug=None, **kwargs):
        """Calls `method` expecting the error `name`; returns its parameters."""
        try:
            result = getattr(self.handle, method)(*args, **kwargs)
        except varlink.VarlinkError as error:
            t.check(error.error() == name, what, f"got {error.error()} {error.parameters()}", bug=bug)
            iface = interfaces.get(error.error().rpartition(".")[0])
            if iface is not None:
                problems = error_problems(iface, error.as_dict())
                t.check(not problems, f"{what}: error parameters fit the IDL", "; ".join(problems))
            return error.parameters() or {}
        t.check(False, what, f"no error, got {result}", bug=bug)
        return {}


L = None  # the Capturing io.cadenced.Ledger handle


def raw_call(method, parameters=None, **flags):
    raw = Raw(PATH)
    try:
        return raw.call(method, parameters, **flags)
    finally:
        raw.close()


def snapshot():
    """Everything a refused call could have changed, read over a raw connection."""
    raw = Raw(PATH)
    try:
        def get(method, parameters=None):
            reply = raw.call(f"{LEDGER}.{method}", parameters or {})
            if "error" in reply:
                raise RuntimeError(f"{method}: {reply}")
            return reply["parameters"]

        items = get("ListItems", {"limit": 1000000})
        status = get("GetStatus")["status"]
        return {
            "units": get("ListUnits", {"includeRemoved": True})["units"],
            "roles": get("ListRoles", {"includePast": True})["roles"],
            "commitments": get("ListCommitments", {"limit": 1000000})["commitments"],
            "reviews": get("ListReviews", {"limit": 1000000})["reviews"],
            "quota": get("GetQuota", {"all": True}),
            "items": [{k: v for k, v in i.items() if k not in VOLATILE} for i in items["items"]],
            "total": items["total"],
            "history": len(get("ListHistory", {"limit": 1000000})["entries"]),
            "status": {k: status[k] for k in ("items", "openItems")},
            "persons": get("ListPersons", {"includeRemoved": True})["persons"],
            "deliveries": get("ListDeliveries", {"limit": 1000000})["deliveries"],
        }
    finally:
        raw.close()


def differences(before, after):
    return "; ".join(f"{k}: {before[k]!r:.200} -> {after[k]!r:.200}" for k in before if before[k] != after[k])


def refused(what, error, method, /, *, param=None, says=None, fields=None, bug=None, **arguments):
    """Calls `method` through the package expecting the io.cadenced.Ledger error `error`; checks
    the error's `parameter`, that its reason mentions `says`, its other `fields`, and that the
    ledger is the same before and after. Returns the error's parameters."""
    name = error if "." in error else f"{LEDGER}.{error}"
    before = snapshot()
    p = L.expect_error(f"{what} -> {name.rpartition('.')[2]}", name, method, bug=bug, **arguments)
    if param is not None:
        t.check(p.get("parameter") == param, f"{what}: the error names the parameter '{param}'", repr(p), bug=bug)
    if says is not None:
        t.check(says.lower() in str(p.get("reason", "")).lower(), f"{what}: the reason says {says!r}", repr(p),
                bug=bug)
    for key, value in (fields or {}).items():
        t.check(p.get(key) == value, f"{what}: the error's {key} is {value!r}", repr(p), bug=bug)
    diff = differences(before, snapshot())
    t.check(not diff, f"{what}: nothing changed", diff, bug=bug)
    return p


def no_such_unit(what, method, unit, /, *, bug=None, **arguments):
    return refused(what, "NoSuchUnit", method, fields={"id": unit}, bug=bug, **arguments)


def test_service(client):
    with client.open(SERVICE) as service:
        service = Capturing(service, client._interfaces[SERVICE])
        info = service.call("GetInfo")
        for key in ("vendor", "product", "version", "url"):
            t.check(isinstance(info.get(key), str) and info[key] != "", f"GetInfo: {key} is a non-empty string",
                    repr(info.get(key)))
        t.check(LEDGER in info.get("interfaces", []), "GetInfo: interfaces contain io.cadenced.Ledger",
                repr(info.get("interfaces")))
        t.check(SERVICE in info.get("interfaces", []), "GetInfo: interfaces contain org.varlink.service")
        for name in (SERVICE, LEDGER):
            description = service.call("GetInterfaceDescription", name)["description"]
            try:
                parsed = varlink.Interface(description)
            except Exception as error:  # noqa: BLE001
                t.check(False, f"varlink.Interface parses the description of {name}", repr(error))
                continue
            t.check(parsed.name == name, f"the description of {name} declares interface {name}", parsed.name)
            interfaces[name] = parsed
        # The service interface served is the standard one the package ships.
        standard = client._interfaces[SERVICE]
        served = interfaces.get(SERVICE)
        if served is not None:
            # The package ships an older org.varlink.service; varlink.org's adds PermissionDenied, ExpectedMore.
            t.check(set(served.members) >= set(standard.members),
                    "the served org.varlink.service has the standard members",
                    f"{sorted(served.members)} vs {sorted(standard.members)}")
        ledger = interfaces.get(LEDGER)
        if ledger is not None:
            expected = {
                "GetStatus", "AddUnit", "EditUnit", "GetUnit", "ListUnits", "RemoveUnit", "AssignRole", "EndRole",
                "ListRoles",
                "AddCommitment", "ListCommitments", "EvaluateCommitment", "CommitmentBoard", "RecordReview", "ListReviews",
                "RemoveReview", "SubmitReport", "ListReports", "RemoveReport", "PrintLedger", "GetQuota", "AddItem", "GetItem", "ListItems", "UpdateItem", "EditItem", "CloseItem",
                "RemoveItem", "ReplyItem",
                "ListNotices", "ListHistory", "Import", "Export", "Evaluate", "AddPerson", "GetPerson",
                "ListPersons", "RemovePerson", "ListDeliveries", "RetryDelivery", "TakeDeliveries", "RecordDelivery",
                "SendTest", "Backup", "ReadBackup", "GetPlan", "HandIn", "RecordCount", "Person", "Delivery", "Message", "Unit", "Role", "Commitment", "Review", "Report", "QuotaLine", "Item", "Notice", "Status", "HistoryEntry",
                "ImportProblem", "ImportChange", "ImportField",
                "NoSuchItem", "NoSuchUnit", "NotFound", "InvalidArgument", "PermissionDenied", "LedgerFailure",
            }
            t.check(expected <= set(ledger.members), "io.cadenced.Ledger declares its methods, types and errors",
                    f"missing {expected - set(ledger.members)}")
        # Bad input: an interface the service does not have.
        params = service.expect_error("GetInterfaceDescription of an unknown interface -> InterfaceNotFound",
                                      "org.varlink.service.InterfaceNotFound", "GetInterfaceDescription",
                                      "io.cadenced.Nope")
        t.check(params.get("interface") == "io.cadenced.Nope", "InterfaceNotFound names the interface", repr(params))
    # The package itself refuses to open an interface the service does not list.
    try:
        client.open("io.cadenced.Nope")
        t.check(False, "client.open of an unknown interface fails")
    except varlink.InterfaceNotFound:
        t.check(True, "client.open of an unknown interface raises InterfaceNotFound")


# --- Units and roles


def test_units():
    status = L.call("GetStatus")["status"]
    t.check(status["items"] >= 0 and status["openItems"] <= status["items"], "GetStatus counts are sane",
            repr(status))
    city = L.call("AddUnit", id=CITY, name="示例市卫生局", kind="bureau")["unit"]
    t.check(city == {"id": CITY, "name": "示例市卫生局", "kind": "bureau", "quota": 0, "removed": False},
            "AddUnit returns the unit: a bureau owes no reports, no parent, not removed", repr(city))
    county = L.call("AddUnit", id=COUNTY, name="示例县卫生局", kind="county-bureau", parent=CITY,
                    liaison="Liaison Wang", specialty="医疗救治", grade="二级")["unit"]
    t.check(county["parent"] == CITY and county["quota"] == 4 and county.get("ownQuota") is None,
            "AddUnit: a county bureau owes 4 reports a month by default", repr(county))
    t.check(county["liaison"] == "Liaison Wang" and county["specialty"] == "医疗救治" and county["grade"] == "二级",
            "AddUnit returns liaison, specialty and grade", repr(county))
    alpha = L.call("AddUnit", id=ALPHA, name="Unit Alpha", kind="city-direct", parent=CITY, quota=3)["unit"]
    t.check(alpha["quota"] == 3 and alpha["ownQuota"] == 3, "AddUnit with quota: its own quota applies", repr(alpha))
    default = L.call("GetUnit", id=ALPHA)["unit"]
    t.check(default == alpha, "GetUnit returns the unit AddUnit returned", f"{default} vs {alpha}")
    for uid, name, kind, parent in [(BRANCH, "Unit Beta Branch", "branch", COUNTY),
                                    (GAMMA, "Unit Gamma", "other", CITY),
                                    (DELTA, "Unit Delta", "department", CITY),
                                    (ROUND, "Unit Round Trip", "other", CITY)]:
        L.call("AddUnit", id=uid, name=name, kind=kind, parent=parent)
    got = L.call("GetUnit", id=CITY)
    t.check(sorted(got["children"]) == sorted([COUNTY, ALPHA, GAMMA, DELTA, ROUND]),
            "GetUnit lists the sub-units", repr(got["children"]))
    t.check(L.call("GetUnit", id=COUNTY)["children"] == [BRANCH], "GetUnit of the county lists its branch")
    listed = [u["id"] for u in L.call("ListUnits")["units"]]
    t.check({CITY, COUNTY, ALPHA, BRANCH, GAMMA, DELTA, ROUND} <= set(listed), "ListUnits lists every unit added")
    t.check(listed == sorted(listed), "ListUnits is ordered by id", repr(listed))
    children = [u["id"] for u in L.call("ListUnits", parent=COUNTY)["units"]]
    t.check(children == [BRANCH], "ListUnits(parent) lists only the children", repr(children))

    # Bad input: nothing may change.
    refused("AddUnit with a duplicate id", "InvalidArgument", "AddUnit", says="already exists",
            id=COUNTY, name="Unit Twin", kind="other", parent=CITY)
    refused("AddUnit whose parent does not exist", "InvalidArgument", "AddUnit", says=NOWHERE,
            id=f"orphan-{S}", name="Unit Orphan", kind="other", parent=NOWHERE)
    refused("AddUnit that is its own parent", "InvalidArgument", "AddUnit", says="own parent",
            id=f"self-{S}", name="Unit Self", kind="other", parent=f"self-{S}")
    refused("AddUnit with kind 'ministry'", "InvalidArgument", "AddUnit", param="kind", says="county-bureau",
            id=f"k-{S}", name="Unit K", kind="ministry")
    refused("AddUnit with quota 1001", "InvalidArgument", "AddUnit", param="quota", id=f"q-{S}", name="Unit Q",
            kind="other", quota=1001)
    refused("AddUnit with quota -1", "InvalidArgument", "AddUnit", param="quota", id=f"q-{S}", name="Unit Q",
            kind="other", quota=-1)
    refused("AddUnit with an empty name", "InvalidArgument", "AddUnit", param="name", id=f"n-{S}", name=" ",
            kind="other")
    for what, bad in [("a space", "unit one"), ("a slash", "a/b"), ("a leading '-'", "-x"),
                      ("a leading '@'", "@first"), ("a newline", "a\nb")]:
        refused(f"AddUnit with an id containing {what} ({bad!r})", "InvalidArgument", "AddUnit",
                id=bad, name="Unit Bad", kind="other")
    refused("AddUnit with a 101-byte id", "InvalidArgument", "AddUnit", param="id", id="u" * 101, name="Unit Long",
            kind="other")
    no_such_unit("GetUnit of an unknown unit", "GetUnit", NOWHERE, id=NOWHERE)

    # Roles: holders over time.
    role = L.call("AssignRole", unit=COUNTY, role="first", person="Director Chen")["role"]
    t.check(role["unit"] == COUNTY and role["role"] == "first" and role["person"] == "Director Chen"
            and role.get("until") is None, "AssignRole returns the current tenure", repr(role))
    L.call("AssignRole", unit=COUNTY, role="direct", person="Section Chief Zhao")
    L.call("AssignRole", unit=ALPHA, role="first", person="Director Sun")
    L.call("AssignRole", unit=ALPHA, role="contact-leader", person="Leader Qian")
    L.call("AssignRole", unit=ROUND, role="first", person="Director Wu")
    roles = L.call("ListRoles", unit=COUNTY)["roles"]
    t.check(sorted((r["role"], r["person"]) for r in roles)
            == [("direct", "Section Chief Zhao"), ("first", "Director Chen"), ("liaison", "Liaison Wang")],
            "ListRoles(unit): first, direct and the liaison given with AddUnit", repr(roles))
    refused("AssignRole with role 'boss'", "InvalidArgument", "AssignRole", param="role", says="contact-leader",
            unit=COUNTY, role="boss", person="Somebody")
    refused("AssignRole to the person who holds it already", "InvalidArgument", "AssignRole",
            says="already holds", unit=COUNTY, role="first", person="Director Chen")
    refused("AssignRole with a blank person", "InvalidArgument", "AssignRole", param="person", unit=COUNTY,
            role="main", person="  ")
    no_such_unit("AssignRole in an unknown unit", "AssignRole", NOWHERE, unit=NOWHERE, role="first",
                 person="Somebody")
    # Member roles: several holders at once; EndRole ends one tenure.
    L.call("AssignRole", unit=COUNTY, role="group-member", person="Member Lin")
    L.call("AssignRole", unit=COUNTY, role="group-member", person="Member He")
    ended = L.call("EndRole", unit=COUNTY, role="group-member", person="Member He")["role"]
    t.check(ended["person"] == "Member He" and ended.get("until") is not None,
            "EndRole returns the ended tenure", repr(ended))
    members = [r["person"] for r in L.call("ListRoles", unit=COUNTY)["roles"] if r["role"] == "group-member"]
    t.check(members == ["Member Lin"], "ListRoles: the member still in the group", repr(members))
    refused("EndRole of a tenure nobody holds", "InvalidArgument", "EndRole", says="does not hold", unit=COUNTY,
            role="group-member", person="Member He")
    no_such_unit("EndRole in an unknown unit", "EndRole", NOWHERE, unit=NOWHERE, role="group-member",
                 person="Somebody")
    no_such_unit("ListRoles of an unknown unit", "ListRoles", NOWHERE, unit=NOWHERE)


# --- Commitments


def test_commitments():
    c = L.call("AddCommitment", unit=COUNTY, text="全年开展义诊 12 次", year=NEXT_YEAR,
               publishedOn=TODAY.isoformat())["commitment"]
    t.check(c["unit"] == COUNTY and c["text"] == "全年开展义诊 12 次" and c["year"] == NEXT_YEAR
            and c["publishedOn"] == TODAY.isoformat() and c["evaluations"] == 0 and c.get("status") is None,
            "AddCommitment returns the commitment, not yet evaluated", repr(c))
    m = L.call("AddCommitment", unit=COUNTY, text="每月走访群众", member="Member Zhou", post="Nurse",
               direction="member→public")["commitment"]
    t.check(m["year"] == TODAY.year and m["member"] == "Member Zhou" and m["post"] == "Nurse"
            and m["direction"] == "member→public", "AddCommitment of a member; the year defaults to this one",
            repr(m))
    mine = L.call("ListCommitments", unit=COUNTY)["commitments"]
    t.check([x["id"] for x in mine] == [c["id"], m["id"]], "ListCommitments(unit) lists the unit's, by id",
            repr(mine))
    t.check([x["id"] for x in L.call("ListCommitments", unit=COUNTY, year=NEXT_YEAR)["commitments"]] == [c["id"]],
            "ListCommitments(year) filters by year")
    t.check(len(L.call("ListCommitments", limit=1)["commitments"]) == 1, "ListCommitments(limit=1): one")
    e = L.call("EvaluateCommitment", id=c["id"], status="partial", note="半数完成")["commitment"]
    t.check(e["status"] == "partial" and e["evaluatedPeriod"] == THIS_QUARTER and e["evaluations"] == 1,
            "EvaluateCommitment: status, the current quarter by default", repr(e))
    e = L.call("EvaluateCommitment", id=c["id"], status="fulfilled", period=THIS_QUARTER)["commitment"]
    t.check(e["status"] == "fulfilled" and e["evaluations"] == 2, "EvaluateCommitment again: the latest counts",
            repr(e))

    no_such_unit("AddCommitment of an unknown unit", "AddCommitment", NOWHERE, unit=NOWHERE, text="承诺")
    p = refused("AddCommitment with year 1999", "InvalidArgument", "AddCommitment", says="1999", unit=COUNTY,
                text="承诺", year=1999)
    t.check("line 1" not in p.get("reason", ""), "AddCommitment with year 1999: the reason names no file line",
            repr(p))
    refused("AddCommitment with an empty text", "InvalidArgument", "AddCommitment", param="text", unit=COUNTY,
            text="")
    refused("AddCommitment published on 2026-02-30", "InvalidArgument", "AddCommitment", param="publishedOn",
            unit=COUNTY, text="承诺", publishedOn=f"{TODAY.year}-02-30")
    no_such_unit("ListCommitments of an unknown unit", "ListCommitments", NOWHERE, unit=NOWHERE)
    refused("EvaluateCommitment with status 'done'", "InvalidArgument", "EvaluateCommitment", param="status",
            says="fulfilled", id=c["id"], status="done")
    refused("EvaluateCommitment with a half-year period", "InvalidArgument", "EvaluateCommitment", param="period",
            id=c["id"], status="partial", period=THIS_HALF)
    refused("EvaluateCommitment for a quarter that has not begun", "InvalidArgument", "EvaluateCommitment",
            param="period", id=c["id"], status="partial", period=f"{NEXT_YEAR + 4}-Q1")
    refused("EvaluateCommitment of an unknown commitment", "NotFound", "EvaluateCommitment", says="987654",
            id=987654, status="partial")
    board = L.call("CommitmentBoard", unit=COUNTY, language="zh")
    mine = L.call("ListCommitments", unit=COUNTY, year=TODAY.year)["commitments"]
    t.check(board["text"].startswith(f"# {TODAY.year} 年公开承诺公示栏") and board["commitments"] >= len(mine)
            and isinstance(board["unpublished"], int), "CommitmentBoard(unit): the unit's board in Markdown",
            repr({k: board[k] for k in ("commitments", "unpublished")}))
    page = L.call("CommitmentBoard", format="html", mask=True)["text"]
    t.check(page.startswith("<!DOCTYPE html>") and "<script" not in page, "CommitmentBoard(format=html, mask)")
    refused("CommitmentBoard as JSON", "InvalidArgument", "CommitmentBoard", param="format", format="json")
    refused("CommitmentBoard of the year 1999", "InvalidArgument", "CommitmentBoard", param="year", year=1999)
    no_such_unit("CommitmentBoard of an unknown unit", "CommitmentBoard", NOWHERE, unit=NOWHERE)


# --- Reviews


def test_reviews():
    r = L.call("RecordReview", unit=COUNTY, kind="review", form="plenary", reviewer="Leader Qian",
               subject="领导班子", outcome="成绩、问题、方向")["review"]
    t.check(r["unit"] == COUNTY and r["kind"] == "review" and r["period"] == THIS_QUARTER
            and r["heldOn"] == TODAY.isoformat() and r["byUnit"] == CITY and r["override"] is False
            and r["form"] == "plenary", "RecordReview: held today, this quarter, by the parent unit", repr(r))
    i = L.call("RecordReview", unit=COUNTY, kind="inspection", heldOn=TODAY.isoformat())["review"]
    t.check(i["period"] == THIS_HALF, "RecordReview of an inspection: the half-year by default", repr(i))
    y = L.call("RecordReview", unit=COUNTY, kind="evaluation", period=str(TODAY.year))["review"]
    t.check(y["period"] == str(TODAY.year), "RecordReview of an evaluation for the year", repr(y))
    # The contact-point leader of a unit may record its review without --override.
    c = L.call("RecordReview", unit=ALPHA, kind="review", byUnit=COUNTY, reviewer="Leader Qian")["review"]
    t.check(c["byUnit"] == COUNTY and c["override"] is False,
            "RecordReview by the unit's contact-point leader is accepted without override", repr(c))
    refused("RecordReview of the county by an unrelated unit without override", "InvalidArgument", "RecordReview",
            says="affiliation", unit=COUNTY, kind="appraisal", byUnit=ALPHA)
    o = L.call("RecordReview", unit=COUNTY, kind="appraisal", byUnit=ALPHA, override=True)["review"]
    t.check(o["byUnit"] == ALPHA and o["override"] is True and o["period"] == THIS_HALF,
            "RecordReview by an unrelated unit with override is recorded as such", repr(o))
    mine = L.call("ListReviews", unit=COUNTY)["reviews"]
    t.check({x["id"] for x in mine} == {r["id"], i["id"], y["id"], o["id"]}, "ListReviews(unit) lists its reviews",
            repr(mine))
    kinds = L.call("ListReviews", unit=COUNTY, kind="inspection")["reviews"]
    t.check([x["id"] for x in kinds] == [i["id"]], "ListReviews(kind) filters by kind", repr(kinds))
    quarter = L.call("ListReviews", period=THIS_QUARTER)["reviews"]
    t.check({r["id"], c["id"]} <= {x["id"] for x in quarter} and all(x["period"] == THIS_QUARTER for x in quarter),
            "ListReviews(period) filters by period", repr(quarter))
    t.check(len(L.call("ListReviews", limit=1)["reviews"]) == 1, "ListReviews(limit=1): one")

    no_such_unit("RecordReview of an unknown unit", "RecordReview", NOWHERE, unit=NOWHERE, kind="review")
    no_such_unit("RecordReview by an unknown unit", "RecordReview", NOWHERE, unit=COUNTY, kind="review",
                 byUnit=NOWHERE, override=True)
    refused("RecordReview with kind 'audit'", "InvalidArgument", "RecordReview", param="kind", says="inspection",
            unit=COUNTY, kind="audit")
    refused("RecordReview with form 'banquet'", "InvalidArgument", "RecordReview", param="form", says="plenary",
            unit=COUNTY, kind="review", form="banquet")
    refused(f"RecordReview of kind review for the half-year {THIS_HALF}", "InvalidArgument", "RecordReview",
            param="period", says="quarter", unit=COUNTY, kind="review", period=THIS_HALF)
    refused("RecordReview of kind inspection for a quarter", "InvalidArgument", "RecordReview", param="period",
            unit=COUNTY, kind="inspection", period=THIS_QUARTER)
    refused("RecordReview for period 'soon'", "InvalidArgument", "RecordReview", param="period", unit=COUNTY,
            kind="review", period="soon")
    refused("RecordReview held tomorrow", "InvalidArgument", "RecordReview", param="heldOn", says="future",
            unit=COUNTY, kind="review", heldOn=in_days(1))
    refused("RecordReview held today for a quarter that has not begun", "InvalidArgument", "RecordReview",
            param="period", unit=BRANCH, kind="review", period=f"{NEXT_YEAR + 4}-Q1")
    refused("RecordReview held on a malformed date", "InvalidArgument", "RecordReview", param="heldOn",
            unit=COUNTY, kind="review", heldOn=f"{TODAY.year}-13-01")
    refused("RecordReview of a unit without parent and no override", "InvalidArgument", "RecordReview",
            says="override", unit=CITY, kind="review")
    no_such_unit("ListReviews of an unknown unit", "ListReviews", NOWHERE, unit=NOWHERE)
    refused("ListReviews with kind 'audit'", "InvalidArgument", "ListReviews", param="kind", kind="audit")
    wrong = L.call("RecordReview", unit=ALPHA, kind="inspection", byUnit=COUNTY, override=True)["review"]
    refused("RemoveReview without a reason", "InvalidArgument", "RemoveReview", param="reason", id=wrong["id"],
            reason=" ")
    refused("RemoveReview of an unknown review", "NotFound", "RemoveReview", says="987654", id=987654, reason="typo")
    gone = L.call("RemoveReview", id=wrong["id"], reason="recorded for the wrong unit")
    t.check(gone["review"]["id"] == wrong["id"] and gone["duty"] == "unchanged" and gone.get("item") is None,
            "RemoveReview takes the review out; its period has not ended, so no duty changes", repr(gone))
    t.check(all(x["id"] != wrong["id"] for x in L.call("ListReviews", unit=ALPHA)["reviews"]),
            "RemoveReview: the review is no longer listed")


# --- Information reports


def test_reports():
    first = L.call("SubmitReport", unit=COUNTY, title="我局开展义诊活动", recipient="City office")
    t.check(first["month"] == THIS_MONTH and isinstance(first["id"], int),
            "SubmitReport counts for this month by default", repr(first))
    second = L.call("SubmitReport", unit=COUNTY, title="Second report", month=THIS_MONTH, liaison="Liaison Li")
    t.check(second["id"] != first["id"], "SubmitReport: ids are distinct")
    previous = (TODAY.replace(day=1) - datetime.timedelta(days=1))
    last = L.call("SubmitReport", unit=ALPHA, title="Late report", submittedOn=previous.isoformat())
    t.check(last["month"] == previous.strftime("%Y-%m"), "SubmitReport: the month follows submittedOn",
            repr(last))
    quota = L.call("GetQuota")
    lines = {x["unit"]: x for x in quota["lines"]}
    t.check(quota["month"] == THIS_MONTH, "GetQuota: this month by default", quota["month"])
    t.check(lines.get(COUNTY, {}).get("submitted") == 2 and lines[COUNTY]["required"] == 4
            and lines[COUNTY]["short"] is True and lines[COUNTY]["name"] == "示例县卫生局",
            "GetQuota: the county submitted 2 of 4, short", repr(lines.get(COUNTY)))
    t.check(lines.get(ALPHA, {}).get("submitted") == 0 and lines[ALPHA]["required"] == 3,
            "GetQuota: a report of last month does not count this month", repr(lines.get(ALPHA)))
    t.check(CITY not in lines, "GetQuota: units owing nothing are left out", repr(sorted(lines)))
    every = {x["unit"] for x in L.call("GetQuota", all=True)["lines"]}
    t.check(CITY in every and COUNTY in every, "GetQuota(all): units owing nothing too")
    past = {x["unit"]: x for x in L.call("GetQuota", month=previous.strftime("%Y-%m"))["lines"]}
    t.check(past.get(ALPHA, {}).get("submitted") == 1, "GetQuota(month) counts that month", repr(past.get(ALPHA)))

    no_such_unit("SubmitReport of an unknown unit", "SubmitReport", NOWHERE, unit=NOWHERE, title="报告")
    refused("SubmitReport with an empty title", "InvalidArgument", "SubmitReport", param="title", unit=COUNTY,
            title="")
    refused("SubmitReport for month 13", "InvalidArgument", "SubmitReport", param="month", unit=COUNTY, title="报告",
            month=f"{TODAY.year}-13")
    refused("SubmitReport for a quarter instead of a month", "InvalidArgument", "SubmitReport", param="month",
            unit=COUNTY, title="报告", month=THIS_QUARTER)
    refused("SubmitReport submitted tomorrow", "InvalidArgument", "SubmitReport", param="submittedOn",
            says="future", unit=COUNTY, title="报告", submittedOn=in_days(1))
    refused("SubmitReport submitted today for a month that has not begun", "InvalidArgument", "SubmitReport",
            param="month", unit=BRANCH, title="报告", month=f"{NEXT_YEAR + 4}-01")
    refused("GetQuota of month 'Q4'", "InvalidArgument", "GetQuota", param="month", month=THIS_QUARTER)
    listed = L.call("ListReports", unit=COUNTY, month=THIS_MONTH)["reports"]
    t.check({x["id"] for x in listed} == {first["id"], second["id"]} and listed[0]["unit"] == COUNTY,
            "ListReports(unit, month) lists the unit's reports of the month", repr(listed))
    refused("ListReports of month 13", "InvalidArgument", "ListReports", param="month", month=f"{TODAY.year}-13")
    no_such_unit("ListReports of an unknown unit", "ListReports", NOWHERE, unit=NOWHERE)
    extra = L.call("SubmitReport", unit=COUNTY, title="Entered twice")
    refused("RemoveReport without a reason", "InvalidArgument", "RemoveReport", param="reason", id=extra["id"],
            reason="")
    refused("RemoveReport of an unknown report", "NotFound", "RemoveReport", says="987654", id=987654, reason="x")
    removed = L.call("RemoveReport", id=extra["id"], reason="entered twice")["report"]
    t.check(removed["title"] == "Entered twice", "RemoveReport returns the report taken out", repr(removed))
    again = {x["unit"]: x for x in L.call("GetQuota")["lines"]}
    t.check(again.get(COUNTY, {}).get("submitted") == 2, "RemoveReport: the month's count is as before",
            repr(again.get(COUNTY)))


# --- Items: adding and listing


def test_items():
    before = L.call("ListItems")["total"]
    day = f"{NEXT_YEAR}-06-30"
    a = L.call("AddItem", unit=COUNTY, title="整改: fire exits blocked", deadline=day)["item"]
    t.check(a["unit"] == COUNTY and a["title"] == "整改: fire exits blocked" and a["state"] == "open"
            and a["overdue"] is False and a["round"] == 0 and a["flagged"] is False,
            "AddItem returns an open item, not overdue", repr(a))
    t.check(a["first"] == "@first" and a["firstPerson"] == "Director Chen",
            "AddItem: the first responsible person defaults to the unit's role first", repr(a))
    t.check(a["source"] == "self-examination", "AddItem: the source defaults to self-examination", a["source"])
    due = parse_instant(a["deadline"])
    lo = datetime.datetime(NEXT_YEAR, 6, 29, 10, tzinfo=datetime.timezone.utc)
    hi = datetime.datetime(NEXT_YEAR, 7, 1, 14, tzinfo=datetime.timezone.utc)
    t.check(lo <= due <= hi, f"AddItem: deadline {day} falls due on that day", a["deadline"])

    full = L.call("AddItem", unit=COUNTY, title="值班制度未落实", deadline="+30", source="superior-circular",
                  category="制度建设", scope="department", urgency="high", difficulty="low",
                  measures="修订值班制度", acceptance="值班表公示", main="Deputy Director Liu",
                  direct="@direct")["item"]
    t.check(full["source"] == "superior-circular" and full["flagged"] is True,
            "AddItem from a superior circular is flagged", repr(full))
    t.check((full["category"], full["scope"], full["urgency"], full["difficulty"], full["measures"],
             full["acceptance"]) == ("制度建设", "department", "high", "low", "修订值班制度", "值班表公示"),
            "AddItem keeps category, scope, urgency, difficulty, measures and acceptance", repr(full))
    t.check(full["main"] == "Deputy Director Liu" and full["mainPerson"] == "Deputy Director Liu"
            and full["direct"] == "@direct" and full["directPerson"] == "Section Chief Zhao",
            "AddItem: a named person stays, a role resolves to its holder", repr(full))
    days = (parse_instant(full["deadline"]).date() - TODAY).days
    t.check(30 <= days <= 31, "AddItem: deadline +30 is 30 days from today", full["deadline"])
    wd = L.call("AddItem", unit=GAMMA, title="Working days", deadline="+10wd", first="Director Wu")["item"]
    days = (parse_instant(wd["deadline"]).date() - TODAY).days
    t.check(12 <= days <= 30, "AddItem: deadline +10wd is 10 working days away", f"{wd['deadline']} ({days} days)")
    t.check(wd["first"] == "Director Wu" and wd["firstPerson"] == "Director Wu",
            "AddItem with an explicit first responsible person (unit without role first)", repr(wd))

    # ISO 8601 deadlines: UTC, with an offset, with fractional seconds.
    iso = f"{NEXT_YEAR}-03-01T09:30:00Z"
    b = L.call("AddItem", unit=ALPHA, title="ISO deadline", deadline=iso)["item"]
    t.check(parse_instant(b["deadline"]) == parse_instant(iso), "AddItem: an ISO 8601 deadline is kept",
            f"{iso} -> {b['deadline']}")
    offset = f"{NEXT_YEAR}-03-01T17:30:00+08:00"
    c = L.call("AddItem", unit=ALPHA, title="offset deadline", deadline=offset)["item"]
    t.check(parse_instant(c["deadline"]) == parse_instant(iso), "AddItem: an ISO 8601 offset is honoured",
            f"{offset} -> {c['deadline']}")
    fractional = f"{NEXT_YEAR}-04-01T00:00:00.250Z"
    d = L.call("AddItem", unit=ALPHA, title="fractional", deadline=fractional)["item"]
    t.check(abs((parse_instant(d["deadline"]) - parse_instant(fractional)).total_seconds()) < 1,
            "AddItem: ISO 8601 with fractional seconds", d["deadline"])
    ids = [a["id"], full["id"], wd["id"], b["id"], c["id"], d["id"]]
    t.check(len(set(ids)) == 6, "AddItem: ids are distinct")

    got = L.call("GetItem", id=a["id"])["item"]
    t.check(got == a, "GetItem returns the item AddItem returned", f"{got} vs {a}")
    listing = L.call("ListItems")
    t.check(listing["total"] == before + 6, "ListItems: total grew by the 6 items added",
            f"{before} -> {listing['total']}")
    t.check(set(ids) <= {i["id"] for i in listing["items"]}, "ListItems lists the new items")
    deadlines = [parse_instant(i["deadline"]) for i in listing["items"]]
    t.check(deadlines == sorted(deadlines), "ListItems: oldest deadline first")
    t.check(L.call("GetStatus")["status"]["items"] == listing["total"], "GetStatus items == ListItems total")
    mine = L.call("ListItems", unit=COUNTY)
    t.check(sorted(i["id"] for i in mine["items"]) == sorted([a["id"], full["id"]]) and mine["total"] == 2,
            "ListItems(unit) lists only that unit's items", repr(mine))
    t.check(L.call("ListItems", unit=BRANCH)["total"] == 0, "ListItems(unit) of a unit without items is empty")
    overdue = L.call("ListItems", overdueOnly=True)
    t.check(all(i["overdue"] for i in overdue["items"]) and not set(ids) & {i["id"] for i in overdue["items"]},
            "ListItems(overdueOnly) lists only overdue items", repr(overdue))
    t.check(L.call("ListItems", unit=COUNTY, overdueOnly=True)["total"] == 0,
            "ListItems(unit, overdueOnly) of future items is empty")
    t.check(L.call("ListItems", unit=COUNTY, overdueOnly=False)["total"] == 2,
            "ListItems(unit, overdueOnly=false) lists all of the unit")
    opened = L.call("ListItems", state="open")
    t.check(opened["total"] >= 6 and all(i["state"] == "open" for i in opened["items"]),
            "ListItems(state=open) lists open items only")
    limited = L.call("ListItems", limit=1)
    t.check(len(limited["items"]) == 1 and limited["total"] == listing["total"],
            "ListItems(limit=1): one item, the full total", repr(limited))

    # A role follows its holder: items naming @first answer to the new holder.
    L.call("AssignRole", unit=COUNTY, role="first", person="Director Zhou")
    moved = L.call("GetItem", id=a["id"])["item"]
    t.check(moved["first"] == "@first" and moved["firstPerson"] == "Director Zhou",
            "after AssignRole, an item naming @first answers to the new holder", repr(moved))
    tenures = [(r["person"], r.get("until") is None)
               for r in L.call("ListRoles", unit=COUNTY, includePast=True)["roles"] if r["role"] == "first"]
    t.check(tenures == [("Director Chen", False), ("Director Zhou", True)],
            "ListRoles(includePast): the old tenure ended, the new one runs", repr(tenures))

    # Bad input.
    bad_deadlines = {
        "in the past (date)": "2001-01-01",
        "in the past (ISO)": "2001-01-01T00:00:00Z",
        "a day that does not exist": f"{NEXT_YEAR}-02-30",
        "month 13": f"{NEXT_YEAR}-13-01",
        "not a date": "next tuesday",
        "hour 25": f"{NEXT_YEAR}-03-01T25:00:00Z",
        "no zone": f"{NEXT_YEAR}-03-01T09:30:00",
        "+-3": "+-3",
        "+3x": "+3x",
        "beyond 100 years (+36501)": "+36501",
    }
    for what, deadline in bad_deadlines.items():
        says = "not in the future" if "past" in what else None
        refused(f"AddItem with a deadline {what} ({deadline!r})", "InvalidArgument", "AddItem", param="deadline",
                says=says, unit=COUNTY, title="bad", deadline=deadline)
    for what, arguments, parameter in [
        ("an empty unit", dict(unit="", title="x", deadline=day), "unit"),
        ("a blank unit", dict(unit=" \t ", title="x", deadline=day), "unit"),
        ("an empty title", dict(unit=COUNTY, title="", deadline=day), "title"),
        ("an empty deadline", dict(unit=COUNTY, title="x", deadline=""), "deadline"),
        ("a unit over 100 bytes", dict(unit="u" * 101, title="x", deadline=day), "unit"),
        ("a title over 4096 bytes", dict(unit=COUNTY, title="t" * 4097, deadline=day), "title"),
        ("source 'rumour'", dict(unit=COUNTY, title="x", deadline=day, source="rumour"), "source"),
        ("scope 'galaxy'", dict(unit=COUNTY, title="x", deadline=day, scope="galaxy"), "scope"),
        ("urgency 'extreme'", dict(unit=COUNTY, title="x", deadline=day, urgency="extreme"), "urgency"),
        ("difficulty 'easy'", dict(unit=COUNTY, title="x", deadline=day, difficulty="easy"), "difficulty"),
    ]:
        refused(f"AddItem with {what}", "InvalidArgument", "AddItem", param=parameter, **arguments)
    no_such_unit("AddItem of an unknown unit", "AddItem", NOWHERE, unit=NOWHERE, title="x", deadline=day)
    refused("AddItem for a unit nobody holds 'first' of, without first", "InvalidArgument", "AddItem",
            says="first responsible person", unit=GAMMA, title="x", deadline=day)
    refused("AddItem for a unit without role first, with first '@main' that nobody holds", "InvalidArgument",
            "AddItem", says="first responsible person", unit=GAMMA, title="x", deadline=day, first="@main")
    refused("AddItem with first '@boss' (no such role)", "InvalidArgument", "AddItem", says="names no role",
            unit=COUNTY, title="x", deadline=day, first="@boss")
    no_such_unit("ListItems of an unknown unit", "ListItems", NOWHERE, unit=NOWHERE)
    refused("ListItems with state 'done'", "InvalidArgument", "ListItems", param="state", says="in-progress",
            state="done")
    refused("ListItems(limit=0)", "InvalidArgument", "ListItems", param="limit", limit=0)
    p = refused("GetItem of an unknown id", "NoSuchItem", "GetItem", id=987654321)
    t.check(p.get("id") == "987654321", "NoSuchItem names the id", repr(p))
    refused("GetItem of id -1", "NoSuchItem", "GetItem", id=-1)

    # The package checks arguments against the IDL before sending: a string id never leaves.
    before = snapshot()
    try:
        L.handle.GetItem(id="one")
        t.check(False, "the client refuses GetItem(id: string)")
    except varlink.InvalidParameter:
        t.check(True, "the client refuses GetItem(id: string) locally (InvalidParameter)")
    t.check(not differences(before, snapshot()), "refused client-side calls: nothing changed")
    t.check(L.call("GetItem", id=a["id"])["item"]["id"] == a["id"], "the connection still works after the errors")
    return a


# --- Items: the lifecycle


def test_lifecycle():
    x = L.call("AddItem", unit=COUNTY, title="医疗废物处置不规范", deadline=f"{NEXT_YEAR}-05-31", direct="@direct",
               acceptance="台账齐全")["item"]
    xid = x["id"]
    refused("verify of an open item", "Refused", "UpdateItem", fields={"code": "wrong-state", "state": "open"}, says="rectified", id=xid, action="verify",
            by="Inspector Li")
    refused("CloseItem of an open item", "Refused", "CloseItem", fields={"code": "wrong-state", "state": "open"}, says="rectified", id=xid, by="Inspector Li")
    refused("reopen of an open item", "Refused", "UpdateItem", fields={"code": "wrong-state", "state": "open"}, says="closed", id=xid, action="reopen",
            note="again", deadline=f"{NEXT_YEAR}-09-30")
    refused("reject of an open item", "Refused", "UpdateItem", fields={"code": "wrong-state", "state": "open"}, says="rectified", id=xid, action="reject",
            note="no")
    refused("UpdateItem with action 'finish'", "InvalidArgument", "UpdateItem", param="action", says="rectified",
            id=xid, action="finish")
    refused("UpdateItem of an unknown id", "NoSuchItem", "UpdateItem", fields={"id": "987654321"}, id=987654321,
            action="progress")
    refused("CloseItem of an unknown id", "NoSuchItem", "CloseItem", id=987654321)

    c = L.call("AddItem", unit=COUNTY, title="投诉：候诊时间过长", deadline=f"{NEXT_YEAR}-05-31", source="complaint")["item"]
    t.check(c.get("replyDue") is not None and c.get("replyOverdue") is False and c.get("reply") is None,
            "AddItem of a complaint: a reply deadline of its own", repr({k: c.get(k) for k in ("replyDue", "reply")}))
    L.call("UpdateItem", id=c["id"], action="rectified")
    refused("verify of a complaint not yet answered", "Refused", "UpdateItem",
            fields={"code": "missing", "parameter": "reply"}, says="complainant", id=c["id"], action="verify",
            by="Inspector Li")
    refused("ReplyItem with an empty reply", "InvalidArgument", "ReplyItem", says="empty", id=c["id"], reply=" ")
    refused("ReplyItem to an item that is no complaint", "InvalidArgument", "ReplyItem", says="not a complaint",
            id=xid, reply="已答复")
    refused("ReplyItem to an unknown id", "NoSuchItem", "ReplyItem", id=987654321, reply="已答复")
    r = L.call("ReplyItem", id=c["id"], reply="已电话答复投诉人")["item"]
    t.check(r["reply"] == "已电话答复投诉人" and r["repliedAt"] is not None, "ReplyItem records the reply", repr(r))
    v = L.call("UpdateItem", id=c["id"], action="verify", by="Inspector Li")["item"]
    t.check(v["state"] == "closed", "verify of an answered complaint closes it", repr(v["state"]))

    p = L.call("UpdateItem", id=xid, action="progress", note="整改方案已制定")["item"]
    t.check(p["state"] == "in-progress" and p["note"] == "整改方案已制定", "progress: in-progress with the note",
            repr(p))
    new_date = f"{NEXT_YEAR + 1}-03-31"
    full = dict(id=xid, action="defer", deadline=new_date, plan="列入明年预算", explanation="需要资金")
    for missing, says in [("plan", "plan"), ("explanation", "explanation"), ("deadline", "date")]:
        arguments = {k: v for k, v in full.items() if k != missing}
        refused(f"defer without {missing}", "Refused", "UpdateItem", fields={"code": "missing", "parameter": missing}, says=says, **arguments)
    refused("defer to a date in the past", "Refused", "UpdateItem", fields={"code": "not-in-future", "parameter": "deadline"}, says="future",
            **{**full, "deadline": "2001-01-01"})
    refused("defer to a malformed date", "InvalidArgument", "UpdateItem", param="deadline",
            **{**full, "deadline": "someday"})
    d = L.call("UpdateItem", **full)["item"]
    t.check(d["state"] == "deferred" and d["round"] == 1 and d["plan"] == "列入明年预算"
            and d["explanation"] == "需要资金", "defer: deferred, round 1, with plan and explanation", repr(d))
    t.check(d["originalDeadline"] == x["deadline"] and parse_instant(d["deadline"]).year == NEXT_YEAR + 1,
            "defer: the new deadline applies, the original is kept", repr(d))
    refused("refer without referredTo", "Refused", "UpdateItem", fields={"code": "missing", "parameter": "referredTo"}, says="referred", id=xid, action="refer")
    r = L.call("UpdateItem", id=xid, action="refer", referredTo="示例市整改办")["item"]
    t.check(r["state"] == "referred" and r["referredTo"] == "示例市整改办" and r.get("nextEvent") is None,
            "refer: referred upward, escalation paused", repr(r))
    back = L.call("UpdateItem", id=xid, action="progress")["item"]
    t.check(back["state"] == "in-progress" and back.get("nextEvent") is not None,
            "progress after a referral: stages resume", repr(back))
    rect = L.call("UpdateItem", id=xid, action="rectified", note="已建立台账")["item"]
    t.check(rect["state"] == "rectified" and rect.get("rectifiedAt") and rect.get("closedAt") is None,
            "rectified: waits for verification", repr(rect))
    refused("verify by the direct responsible person", "Refused", "UpdateItem", fields={"code": "direct-responsible"}, says="direct responsible",
            id=xid, action="verify", by="Section Chief Zhao")
    refused("CloseItem by the direct responsible person's role", "Refused", "CloseItem",
            says="direct responsible", fields={"code": "direct-responsible"}, id=xid, by="@direct")
    refused("reject without a reason", "Refused", "UpdateItem", fields={"code": "missing", "parameter": "note"}, says="reason", id=xid, action="reject")
    j = L.call("UpdateItem", id=xid, action="reject", note="台账不全")["item"]
    t.check(j["state"] == "in-progress" and j["note"] == "台账不全", "reject: back to in-progress with the reason",
            repr(j))
    L.call("UpdateItem", id=xid, action="rectified")
    closed = L.call("CloseItem", id=xid, by="Inspector Li", note="验收合格")["item"]
    t.check(closed["state"] == "closed" and closed["verifiedBy"] == "Inspector Li" and closed.get("closedAt")
            and closed.get("nextEvent") is None, "CloseItem of a rectified item: closed, verified by", repr(closed))
    t.check(L.call("GetItem", id=xid)["item"]["state"] == "closed", "GetItem sees the close")
    refused("CloseItem of a closed item", "Refused", "CloseItem", fields={"code": "wrong-state", "state": "closed"}, says="closed", id=xid, by="Inspector Li")
    refused("rectified on a closed item", "Refused", "UpdateItem", fields={"code": "wrong-state", "state": "closed"}, says="closed", id=xid, action="rectified")
    refused("defer of a closed item", "Refused", "UpdateItem", fields={"code": "wrong-state", "state": "closed"}, says="closed",
            **{**full, "deadline": f"{NEXT_YEAR + 1}-06-30"})
    refused("reopen without a reason", "Refused", "UpdateItem", fields={"code": "missing", "parameter": "note"}, says="reason", id=xid, action="reopen",
            deadline=f"{NEXT_YEAR}-09-30")
    refused("reopen without a deadline", "Refused", "UpdateItem", fields={"code": "missing", "parameter": "deadline"}, says="deadline", id=xid, action="reopen",
            note="问题反弹")
    refused("reopen with a deadline in the past", "Refused", "UpdateItem", fields={"code": "not-in-future", "parameter": "deadline"}, says="future", id=xid,
            action="reopen", note="问题反弹", deadline="2001-01-01")
    o = L.call("UpdateItem", id=xid, action="reopen", note="问题反弹", deadline=f"{NEXT_YEAR}-09-30")["item"]
    t.check(o["state"] == "reopened" and o["flagged"] is True and o["round"] == 2 and o.get("closedAt") is None
            and o.get("verifiedBy") is None, "reopen: reopened, flagged, a new round", repr(o))
    actions = [e["action"] for e in L.call("ListHistory", item=xid)["entries"]]
    t.check(actions == ["item.add", "item.progress", "item.defer", "item.refer", "item.progress", "item.rectified",
                        "item.reject", "item.rectified", "item.verify", "item.reopen"],
            "ListHistory(item): every accepted step once, in order; no refused one", repr(actions))

    # The verifier defaults to the caller, who must not be the direct responsible person either.
    y = L.call("AddItem", unit=ALPHA, title="Default verifier", deadline=f"{NEXT_YEAR}-05-31")["item"]
    L.call("UpdateItem", id=y["id"], action="rectified")
    v = L.call("UpdateItem", id=y["id"], action="verify")["item"]
    t.check(v["state"] == "closed" and v["verifiedBy"] == ME, f"verify without 'by': verified by the caller ({ME})",
            repr(v))
    z = L.call("AddItem", unit=ALPHA, title="Caller is direct", deadline=f"{NEXT_YEAR}-05-31", direct=ME)["item"]
    L.call("UpdateItem", id=z["id"], action="rectified")
    refused("CloseItem without 'by' when the caller is the direct responsible person", "Refused",
            "CloseItem", fields={"code": "direct-responsible"}, says="direct responsible", id=z["id"])

    # A correction: the fields given change, each in the history with the reason; nothing to
    # change, no reason, an unknown item and an unknown source are refused and change nothing.
    e = L.call("AddItem", unit=ALPHA, title="Typo in the sheet", deadline=f"{NEXT_YEAR}-05-31")["item"]
    edited = L.call("EditItem", id=e["id"], reason="typed wrong", title="Corrected title",
                    source="superior-circular", measures="Repaint the sign")
    t.check(edited["item"]["title"] == "Corrected title" and edited["item"]["flagged"] is True
            and edited["item"]["measures"] == "Repaint the sign", "EditItem: the fields changed, flagged", repr(edited))
    t.check(sorted(edited["changed"]) == ["measures", "source", "title"], "EditItem: changed names them",
            repr(edited["changed"]))
    refused("EditItem with nothing to change", "InvalidArgument", "EditItem", says="nothing to change",
            id=e["id"], reason="again", title="Corrected title")
    refused("EditItem without a reason", "InvalidArgument", "EditItem", param="reason", id=e["id"], reason=" ",
            title="Other")
    refused("EditItem of no item", "NoSuchItem", "EditItem", id=999999, reason="x", title="Other")
    refused("EditItem with an unknown source", "InvalidArgument", "EditItem", param="source", id=e["id"],
            reason="x", source="rumour")

    # An item added by mistake is taken out; once people acted on it, only with force.
    w = L.call("AddItem", unit=ALPHA, title="Added by mistake", deadline=f"{NEXT_YEAR}-05-31")["item"]
    gone = L.call("RemoveItem", id=w["id"])["item"]
    t.check(gone["state"] == "removed" and gone["id"] == w["id"], "RemoveItem: removed", repr(gone))
    refused("GetItem of a removed item", "NoSuchItem", "GetItem", id=w["id"])
    refused("RemoveItem twice", "NoSuchItem", "RemoveItem", id=w["id"])
    refused("RemoveItem of an item people acted on", "InvalidArgument", "RemoveItem", says="history", id=z["id"])
    t.check(L.call("RemoveItem", id=z["id"], force=True)["item"]["state"] == "removed",
            "RemoveItem with force of an item people acted on")
    return xid


# --- Removing units


def test_remove():
    refused("RemoveUnit of a unit with a sub-unit", "InvalidArgument", "RemoveUnit", says="sub-unit", id=COUNTY)
    refused("RemoveUnit of a unit with open items", "InvalidArgument", "RemoveUnit", says="open item", id=ALPHA)
    no_such_unit("RemoveUnit of an unknown unit", "RemoveUnit", NOWHERE, id=NOWHERE)
    gone = L.call("RemoveUnit", id=DELTA)["unit"]
    t.check(gone["id"] == DELTA and gone["removed"] is True, "RemoveUnit returns the unit, removed", repr(gone))
    t.check(DELTA not in {u["id"] for u in L.call("ListUnits")["units"]}, "ListUnits leaves a removed unit out")
    t.check(DELTA in {u["id"] for u in L.call("ListUnits", includeRemoved=True)["units"]},
            "ListUnits(includeRemoved) lists it")
    t.check(L.call("GetUnit", id=DELTA)["unit"]["removed"] is True, "GetUnit of a removed unit says removed")
    t.check(DELTA not in L.call("GetUnit", id=CITY)["children"], "a removed unit is no longer a child")
    no_such_unit("AddItem of a removed unit", "AddItem", DELTA, unit=DELTA, title="x",
                 deadline=f"{NEXT_YEAR}-01-31", first="Somebody")
    no_such_unit("RemoveUnit of a removed unit", "RemoveUnit", DELTA, id=DELTA)
    no_such_unit("AssignRole in a removed unit", "AssignRole", DELTA, unit=DELTA, role="first", person="Somebody")
    refused("AddUnit with the id of a removed unit", "InvalidArgument", "AddUnit", says="was removed", id=DELTA,
            name="Unit Delta Again", kind="other")

    # Corrections of a unit: a new name and quota, a move and back; a move under its own
    # sub-unit, nothing to change, a removed unit, no reason and an unknown parent are refused.
    fixed = L.call("EditUnit", id=GAMMA, reason="renamed", name="Unit Gamma (renamed)", quota=3)
    t.check(fixed["unit"]["name"] == "Unit Gamma (renamed)" and fixed["unit"]["quota"] == 3
            and sorted(fixed["changed"]) == ["name", "quota"], "EditUnit: name and quota corrected", repr(fixed))
    moved = L.call("EditUnit", id=GAMMA, reason="moved", parent=COUNTY)["unit"]
    t.check(moved["parent"] == COUNTY, "EditUnit: moved under another unit", repr(moved))
    t.check(L.call("EditUnit", id=GAMMA, reason="back", parent=CITY)["unit"]["parent"] == CITY, "EditUnit: and back")
    refused("EditUnit under its own sub-unit", "InvalidArgument", "EditUnit", says="cannot move under it", id=CITY,
            reason="x", parent=COUNTY)
    refused("EditUnit with nothing to change", "InvalidArgument", "EditUnit", says="nothing to change", id=GAMMA,
            reason="x", name="Unit Gamma (renamed)")
    refused("EditUnit of a removed unit", "InvalidArgument", "EditUnit", says="removed", id=DELTA, reason="x",
            name="y")
    refused("EditUnit without a reason", "InvalidArgument", "EditUnit", param="reason", id=GAMMA, reason="",
            name="y")
    refused("EditUnit under an unknown parent", "InvalidArgument", "EditUnit", says="does not exist", id=GAMMA,
            reason="x", parent=NOWHERE)
    no_such_unit("EditUnit of an unknown unit", "EditUnit", NOWHERE, id=NOWHERE, reason="x", name="y")


# --- Import and export


def imported(what, kind, fmt, text, rows, dry_run=False, unchanged=0):
    """An import that must succeed: every new row imported (or, dry, none), no problems. Items rows
    already in the ledger (`unchanged`) are not added again."""
    before = snapshot()
    reply = L.call("Import", kind=kind, format=fmt, text=text, dryRun=dry_run)
    added = 0 if dry_run else rows - unchanged
    expected = {"kind": kind, "rows": rows, "imported": added, "dryRun": dry_run, "problems": []}
    if kind == "items":
        expected.update({"added": added, "unchanged": unchanged, "updated": 0, "changed": []})
    t.check(reply == expected, f"{what}: {'a dry run imports nothing' if dry_run else f'{rows} rows imported'}",
            repr(reply))
    if dry_run:
        diff = differences(before, snapshot())
        t.check(not diff, f"{what}: nothing changed", diff)
    return reply


def rejected(what, kind, fmt, text, rows, lines, dry_run=False, says=None):
    """An import with bad rows: every bad line reported (and no other), nothing imported or changed."""
    before = snapshot()
    reply = L.call("Import", kind=kind, format=fmt, text=text, dryRun=dry_run)
    got = sorted({p["line"] for p in reply["problems"]})
    t.check(got == sorted(lines), f"{what}: problems on lines {sorted(lines)}", repr(reply["problems"]))
    t.check(reply["imported"] == 0 and reply["rows"] == rows and reply["dryRun"] is dry_run,
            f"{what}: imported 0 of {rows} rows", repr(reply))
    for line, text_part in (says or {}).items():
        t.check(any(p["line"] == line and text_part in p["reason"] for p in reply["problems"]),
                f"{what}: line {line} says {text_part!r}", repr(reply["problems"]))
    diff = differences(before, snapshot())
    t.check(not diff, f"{what}: nothing changed", diff)
    return reply


def test_import_export():
    imp1, imp2 = f"imp1-{S}", f"imp2-{S}"
    units = f'单位代码,名称,类型,上级,定额\n{imp1},示例乡卫生院,township,{COUNTY},1\n{imp2},"Unit Epsilon, Annex",department,{imp1},\n'
    imported("Import units (Chinese headers) with dryRun", "units", "csv", units, 2, dry_run=True)
    imported("Import units (Chinese headers)", "units", "csv", units, 2)
    u1, u2 = L.call("GetUnit", id=imp1)["unit"], L.call("GetUnit", id=imp2)["unit"]
    t.check(u1["name"] == "示例乡卫生院" and u1["parent"] == COUNTY and u1["quota"] == 1
            and u2["parent"] == imp1 and u2["name"] == "Unit Epsilon, Annex",
            "imported units: names, parents (one within the file), quota", f"{u1} {u2}")
    bad_units = (
        "id,name,kind,parent,quota\n"
        f"ok-{S},Unit Ok,other,{CITY},\n"  # 2: good
        f"k-{S},Unit K,ministry,{CITY},\n"  # 3: unknown kind
        f"{COUNTY},Unit Twin,other,{CITY},\n"  # 4: exists already
        f"o-{S},Unit Orphan,other,{NOWHERE},\n"  # 5: no such parent
        f"q-{S},Unit Q,other,{CITY},many\n"  # 6: quota not a number
        f"bad id,Unit Space,other,{CITY},\n"  # 7: a space in the id
        f"ok-{S},Unit Ok Twice,other,{CITY},\n"  # 8: the id of line 2 again
    )
    says = {3: "ministry", 4: "already exists", 5: NOWHERE, 6: "many", 7: "bad id", 8: "twice"}
    reply = rejected("Import units with bad rows", "units", "csv", bad_units, 7, [3, 4, 5, 6, 7, 8], says=says)
    twice = [p["reason"] for p in reply["problems"] if p["line"] == 8]
    t.check(any("line 2" in r for r in twice), "Import units: a duplicate id names the line of its first row",
            repr(twice))
    rejected("Import units with bad rows, dryRun", "units", "csv", bad_units, 7, [3, 4, 5, 6, 7, 8], dry_run=True)

    items = (
        "单位,问题,整改时限,第一责任人,来源\n"
        f"{COUNTY},值班制度未落实,{NEXT_YEAR}-05-31,,inspection\n"
        f"{GAMMA},\"消防通道堵塞, 二楼\",+30,Director Wu,complaint\n"
    )
    before = L.call("ListItems", unit=GAMMA)["total"]
    imported("Import items (Chinese headers) with dryRun", "items", "csv", items, 2, dry_run=True)
    imported("Import items (Chinese headers)", "items", "csv", items, 2)
    gamma = L.call("ListItems", unit=GAMMA)
    new = [i for i in gamma["items"] if i["title"] == "消防通道堵塞, 二楼"]
    t.check(gamma["total"] == before + 1 and len(new) == 1 and new[0]["firstPerson"] == "Director Wu"
            and new[0]["source"] == "complaint", "imported items are listed with their fields", repr(new))
    bad_items = (
        "unit,title,deadline,first,source\n"
        f"{COUNTY},Good row,{NEXT_YEAR}-05-31,,\n"  # 2: good
        f"{NOWHERE},Unknown unit,{NEXT_YEAR}-05-31,X,\n"  # 3
        f"{COUNTY},Bad deadline,someday,,\n"  # 4
        f"{GAMMA},No first responsible,{NEXT_YEAR}-05-31,,\n"  # 5
        f"{COUNTY},Bad source,{NEXT_YEAR}-05-31,,rumour\n"  # 6
        f"{COUNTY},,{NEXT_YEAR}-05-31,,\n"  # 7: empty title
    )
    says = {3: NOWHERE, 4: "someday", 5: "first responsible", 6: "rumour", 7: "title"}
    rejected("Import items with bad rows", "items", "csv", bad_items, 6, [3, 4, 5, 6, 7], says=says)
    rejected("Import items with bad rows, dryRun", "items", "csv", bad_items, 6, [3, 4, 5, 6, 7], dry_run=True)
    rejected("Import items without the deadline column", "items", "csv", f"unit,title\n{COUNTY},x\n", 0, [1],
             says={1: "deadline"})
    rejected("Import items with an unterminated quote", "items", "csv",
             f"unit,title,deadline\n{COUNTY},\"open quote,{NEXT_YEAR}-05-31\n", 0, [2])

    commitments = json.dumps([
        {"unit": COUNTY, "text": "每季度开展健康讲座", "year": NEXT_YEAR, "member": "Member Zhou", "post": "Nurse"},
        {"unit": ALPHA, "text": "Answer every complaint within 3 days", "publishedOn": TODAY.isoformat()},
    ], ensure_ascii=False)
    imported("Import commitments (JSON) with dryRun", "commitments", "json", commitments, 2, dry_run=True)
    imported("Import commitments (JSON)", "commitments", "json", commitments, 2)
    texts = {c["text"] for c in L.call("ListCommitments", unit=COUNTY, year=NEXT_YEAR)["commitments"]}
    t.check("每季度开展健康讲座" in texts, "imported commitments are listed", repr(texts))
    bad_commitments = json.dumps([
        {"unit": COUNTY, "text": "Good"},  # 1
        5,  # 2: not an object
        {"unit": NOWHERE, "text": "Unknown unit"},  # 3
        {"unit": COUNTY, "text": "Bad year", "year": 1999},  # 4
        {"unit": COUNTY, "text": "Unknown field", "bogus": 1},  # 5
        {"unit": COUNTY, "text": "Nested", "year": [2027]},  # 6: not a string or number
    ])
    says = {2: "not an object", 3: NOWHERE, 4: "1999", 5: "bogus", 6: "year"}
    rejected("Import commitments (JSON) with bad elements", "commitments", "json", bad_commitments, 5,
             [2, 3, 4, 5, 6], says=says)
    rejected("Import of JSON that is not an array", "commitments", "json", '{"unit": "x"}', 0, [1])
    refused("Import of kind 'people'", "InvalidArgument", "Import", param="kind", says="units", kind="people",
            format="csv", text="id\n")
    refused("Import of format 'xlsx'", "InvalidArgument", "Import", param="format", says="csv", kind="units",
            format="xlsx", text="id\n")
    refused("Import of an empty text", "InvalidArgument", "Import", param="text", kind="units", format="csv",
            text="")

    # Export: CSV that a CSV reader parses, with every item.
    listing = L.call("ListItems", limit=1000000)
    export = L.call("Export", kind="items", format="csv")
    table = list(csv.reader(io.StringIO(export["text"], newline="")))
    header, rows = table[0], table[1:]
    t.check({"id", "unit", "title", "deadline", "state", "first"} <= set(header),
            "Export items CSV: the header names the columns", repr(header))
    t.check(export["rows"] == len(rows) == listing["total"], "Export items CSV: one row per item",
            f"rows {export['rows']}, parsed {len(rows)}, items {listing['total']}")
    def cell(text):  # a leading quote protects a cell from formula evaluation
        return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text

    exported = {int(r[header.index("id")]): (r[header.index("unit")], cell(r[header.index("title")])) for r in rows}
    t.check(all(exported.get(i["id"]) == (i["unit"], i["title"]) for i in listing["items"]),
            "Export items CSV: every item with its unit and title", repr(list(exported.items())[:3]))
    units_json = json.loads(L.call("Export", kind="units", format="json", unit=CITY)["text"])
    t.check(any(u.get("id") == CITY and u.get("name") == "示例市卫生局" for u in units_json)
            and any(u.get("id") == COUNTY for u in units_json) and all(u.get("id") != NOWHERE for u in units_json),
            "Export units JSON (unit=CITY): the unit and its sub-units", repr(units_json)[:300])
    mine = json.loads(L.call("Export", kind="commitments", format="json", unit=COUNTY)["text"])
    t.check({c["text"] for c in mine} == {c["text"] for c in L.call("ListCommitments", unit=COUNTY)["commitments"]},
            "Export commitments JSON (unit): the unit's commitments", repr(mine)[:300])
    no_such_unit("Export of an unknown unit", "Export", NOWHERE, kind="items", format="csv", unit=NOWHERE)
    refused("Export of kind 'people'", "InvalidArgument", "Export", param="kind", kind="people", format="csv")
    refused("Export of format 'xlsx'", "InvalidArgument", "Export", param="format", kind="items", format="xlsx")

    # Round trip: what an export says imports back as the same items.
    titles = ["=1+2 looks like a formula", "逗号, \"引号\" 和换行\n第二行", "@SUM(A1) as a title"]
    for title in titles:
        L.call("AddItem", unit=ROUND, title=title, deadline=f"{NEXT_YEAR}-08-31")
    out = L.call("Export", kind="items", format="csv", unit=ROUND)
    cells = [r[1:] for r in csv.reader(io.StringIO(out["text"], newline=""))][1:]
    t.check(out["rows"] == 3 and any(c[1] == "'=1+2 looks like a formula" for c in cells),
            "Export: a cell a spreadsheet would run as a formula gets a leading quote", repr(cells))
    # Imported back, the export's rows are the items it came from: nothing is added twice.
    imported("Import of the unit's own export (CSV)", "items", "csv", out["text"], 3, unchanged=3)
    again = sorted(i["title"] for i in L.call("ListItems", unit=ROUND)["items"])
    t.check(again == sorted(titles), "the round trip keeps every title verbatim, once", repr(again))
    # Without its id column, a row with an item's content (unit, problem, deadline) is that item; once
    # matched it keeps its key, so a later change of the deadline is reported, applied only with update.
    rows = [r for r in csv.reader(io.StringIO(out["text"], newline=""))]
    header = rows[0]
    keep = [k for k, name in enumerate(header) if name not in ("id", "state", "overdue", "closedAt", "verifiedBy")]

    def sheet(table):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([[r[k] for k in keep] for r in [header] + table])
        return buffer.getvalue()
    imported("Import of the export without its ids", "items", "csv", sheet(rows[1:]), 3, unchanged=3)
    moved = [[c if header[k] != "deadline" else f"{NEXT_YEAR}-09-30" for k, c in enumerate(r)] for r in rows[1:]]
    buffer = io.StringIO()
    buffer.write(sheet(moved))
    reply = L.call("Import", kind="items", format="csv", text=buffer.getvalue())
    t.check(reply["added"] == 0 and len(reply["changed"]) == 3 and reply["updated"] == 0
            and all(c["fields"][0]["name"] == "deadline" for c in reply["changed"]),
            "Import of changed rows: reported, not applied", repr(reply)[:400])
    reply = L.call("Import", kind="items", format="csv", text=buffer.getvalue(), update=True)
    t.check(reply["updated"] == 3 and all(i.get("deadlineDate") == f"{NEXT_YEAR}-09-30"
                                          for i in L.call("ListItems", unit=ROUND)["items"]),
            "Import with update: the changed rows applied", repr(reply)[:400])


# --- Notices and history


def test_notices_history(xid):
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)
    item = L.call("AddItem", unit=ALPHA, title="Due in two seconds",
                  deadline=soon.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")["item"]
    found = []
    deadline = time.monotonic() + 15
    while not found and time.monotonic() < deadline:
        time.sleep(0.25)
        found = [n for n in L.call("ListNotices", kind="overdue", unit=ALPHA)["notices"] if n.get("item") == item["id"]]
    t.check(len(found) == 1, "ListNotices(kind=overdue, unit): the overdue notice of an item that fell due",
            repr(found))
    if found:
        n = found[0]
        t.check(n["kind"] == "overdue" and n["unit"] == ALPHA and parse_instant(n["due"]) == parse_instant(
            item["deadline"]) and n["late"] is False, "the notice names kind, unit, item and its due instant",
            repr(n))
        by_key = L.call("ListNotices", key=n["key"])["notices"]
        t.check(len(by_key) == 1 and by_key[0]["key"] == n["key"] and isinstance(by_key[0].get("body"), str),
                "ListNotices(key): that notice alone, with its body", repr(by_key))
    t.check(L.call("ListNotices", key="item/0/none")["notices"] == [], "ListNotices(key) of no notice: none")
    got = L.call("GetItem", id=item["id"])["item"]
    t.check(got["overdue"] is True and "overdue" in got["stages"], "GetItem: the item is overdue", repr(got))
    t.check(item["id"] in {i["id"] for i in L.call("ListItems", overdueOnly=True)["items"]},
            "ListItems(overdueOnly) lists it")
    every = L.call("ListNotices")["notices"]
    t.check(any(n.get("item") == item["id"] for n in every), "ListNotices lists it")
    t.check(len(L.call("ListNotices", limit=1)["notices"]) == 1, "ListNotices(limit=1): one")
    refused("ListNotices with kind 'panic'", "InvalidArgument", "ListNotices", param="kind", says="overdue",
            kind="panic")
    refused("ListNotices(limit=0)", "InvalidArgument", "ListNotices", param="limit", limit=0)

    entries = L.call("ListHistory")["entries"]
    t.check(all(e["uid"] == os.getuid() and e["user"] == ME for e in entries),
            f"ListHistory: every change by this caller ({ME}, uid {os.getuid()})", repr(entries[-1:]))
    newest = L.call("ListHistory", limit=3)["entries"]
    t.check(newest == entries[-3:], "ListHistory(limit=3): the newest three, oldest first")
    county = L.call("ListHistory", unit=COUNTY)["entries"]
    t.check(county and all(e.get("unit") == COUNTY for e in county) and "unit.add" in {e["action"] for e in county},
            "ListHistory(unit): that unit's changes only", repr([e["action"] for e in county]))
    t.check(all(e.get("item") == xid for e in L.call("ListHistory", item=xid)["entries"]),
            "ListHistory(item): that item's changes only")
    refused("ListHistory(limit=0)", "InvalidArgument", "ListHistory", param="limit", limit=0)


def test_people_deliveries():
    person = L.call("AddPerson", id="p-conf", name="Conformance Person", unit=ALPHA,
                    email="conf.person@example.org", mobile="+86 138-0000-0000")["person"]
    t.check(person["id"] == "p-conf" and person["email"] == "conf.person@example.org" and person["unit"] == ALPHA
            and person["removed"] is False, "AddPerson returns the person", repr(person))
    t.check(L.call("GetPerson", id="p-conf")["person"] == person, "GetPerson returns what AddPerson returned")
    t.check([p["id"] for p in L.call("ListPersons", unit=ALPHA)["persons"]] == ["p-conf"],
            "ListPersons(unit): that unit's people")
    refused("AddPerson with a bad e-mail address", "InvalidArgument", "AddPerson", says="not an e-mail address",
            id="p-bad", name="Bad", email="bad@@example")
    refused("AddPerson of an id taken", "InvalidArgument", "AddPerson", says="already exists", id="p-conf",
            name="Again")
    refused("GetPerson of nobody", "NotFound", "GetPerson", says="no person 'p-nobody'", id="p-nobody")

    # Its 7-day warning is due at once, so a message to p-conf is in the outbox.
    item = L.call("AddItem", unit=ALPHA, title="Conformance: reach a person", deadline="+3", first="p-conf")["item"]
    rows = [d for d in L.call("ListDeliveries", person="p-conf")["deliveries"]]
    t.check(len(rows) == 1 and rows[0]["state"] == "waiting" and rows[0]["address"] == "conf.person@example.org"
            and rows[0]["kind"] == "deadline-warning", "the item's warning waits in the outbox for its person",
            repr(rows))
    taken = [m for m in L.call("TakeDeliveries")["messages"] if m["person"] == "p-conf"]
    t.check(len(taken) == 1 and f"#{item['id']}" in taken[0]["subject"] and taken[0]["body"],
            "TakeDeliveries hands over the message with its text", repr(taken))
    if rows:
        d = rows[0]["id"]
        failed = L.call("RecordDelivery", id=d, outcome="permanent", reason="550 conformance")["delivery"]
        t.check(failed["state"] == "failed" and failed["error"] == "550 conformance",
                "RecordDelivery(permanent): given up, with the reason", repr(failed))
        dead = L.call("ListNotices", kind="delivery-failed")["notices"]
        t.check(len(dead) == 1, "a delivery-failed notice is emitted", repr(dead))
        again = L.call("RetryDelivery", id=d)["delivery"]
        t.check(again["state"] == "waiting" and again["attempts"] == 0, "RetryDelivery: waiting again", repr(again))
        refused("RetryDelivery of a waiting message", "InvalidArgument", "RetryDelivery", says="not failed", id=d)
        refused("RecordDelivery with outcome 'lost'", "InvalidArgument", "RecordDelivery", param="outcome",
                says="sent, temporary, permanent", id=d, outcome="lost")
        sent = L.call("RecordDelivery", id=d, outcome="sent")["delivery"]
        t.check(sent["state"] == "sent" and sent["sent"], "RecordDelivery(sent)", repr(sent))
    refused("RecordDelivery of no message", "NotFound", "RecordDelivery", says="no delivery", id=999999,
            outcome="sent")
    refused("ListDeliveries with state 'lost'", "InvalidArgument", "ListDeliveries", param="state", state="lost")
    test = L.call("SendTest", person="p-conf")["deliveries"]
    t.check(len(test) == 1 and test[0]["kind"] == "test" and test[0]["state"] == "waiting",
            "SendTest: one test message per channel, waiting for the delivery service", repr(test))
    refused("SendTest to nobody", "NotFound", "SendTest", says="no person 'p-nobody'", person="p-nobody")
    removed = L.call("RemovePerson", id="p-conf")["person"]
    t.check(removed["removed"] is True, "RemovePerson: removed, still shown", repr(removed))
    refused("RemovePerson twice", "NotFound", "RemovePerson", says="no person 'p-conf'", id="p-conf")


# --- The year-end evaluation


def test_evaluation():
    year = TODAY.year
    reply = L.call("Evaluate", year=year, format="json", language="en")
    doc = json.loads(reply["text"])
    t.check(doc.get("year") == year and doc.get("variant") == "year-end" and doc.get("language") == "en",
            "Evaluate(format=json): this year's year-end evaluation", repr({k: doc.get(k) for k in ("year", "variant")}))
    units = {u["id"]: u for u in doc.get("units", [])}
    t.check(reply["units"] == len(units) and {CITY, COUNTY, ALPHA, BRANCH} <= set(units),
            "Evaluate: every unit of the ledger, the count in 'units'", repr(sorted(units))[:300])
    made = len(L.call("ListCommitments", unit=COUNTY, year=year)["commitments"])
    t.check(units.get(COUNTY, {}).get("commitments", {}).get("made") == made,
            "Evaluate: the county's commitments made this year, as ListCommitments lists them",
            f"{units.get(COUNTY, {}).get('commitments')} vs {made}")
    t.check(units.get(CITY, {}).get("rank") is None, "Evaluate: the top of the tree is not ranked",
            repr(units.get(CITY, {}).get("rank")))
    t.check(parse_instant(reply["asOf"]) <= datetime.datetime.now(datetime.timezone.utc),
            "Evaluate: figures as of now", reply["asOf"])
    parents = {u["id"]: u.get("parent") for u in L.call("ListUnits", includeRemoved=True)["units"]}
    below = {COUNTY}
    while True:
        more = {uid for uid, parent in parents.items() if parent in below} - below
        if not more:
            break
        below |= more
    sub = json.loads(L.call("Evaluate", year=year, unit=COUNTY, format="json")["text"])
    t.check({u["id"] for u in sub["units"]} == below and BRANCH in below,
            "Evaluate(unit): the unit and its sub-units", f"{[u['id'] for u in sub['units']]} vs {sorted(below)}")
    text = L.call("Evaluate", year=year, format="csv", language="en")["text"]
    rows = list(csv.reader(io.StringIO(text)))
    t.check(rows and rows[0][:4] == ["Rank", "Unit id", "Unit", "Kind"] and len(rows) == len(units) + 1,
            "Evaluate(format=csv): a header and one row per unit", repr(rows[:1])[:200])
    page = L.call("Evaluate", year=year, format="html", mask=True, variant="ledger-call-in")["text"]
    t.check(page.startswith("<!DOCTYPE html>") and "<script" not in page and 'data-masked="true"' in page,
            "Evaluate(format=html, mask, ledger-call-in): one self-contained page, names masked")
    t.check(L.call("Evaluate", year=year, asOf=TODAY.isoformat())["text"].startswith("# "),
            "Evaluate(asOf=today): Markdown by default")
    refused("Evaluate of the year 1999", "InvalidArgument", "Evaluate", param="year", year=1999)
    refused("Evaluate of a year not begun", "InvalidArgument", "Evaluate", param="year", says="not begun",
            year=NEXT_YEAR)
    refused("Evaluate as xlsx", "InvalidArgument", "Evaluate", param="format", year=year, format="xlsx")
    refused("Evaluate of variant 'weekly'", "InvalidArgument", "Evaluate", param="variant", year=year,
            variant="weekly")
    refused("Evaluate as of a day in the future", "InvalidArgument", "Evaluate", param="asOf", year=year,
            asOf=in_days(3))
    no_such_unit("Evaluate of an unknown unit", "Evaluate", NOWHERE, year=year, unit=NOWHERE)
    printed = L.call("PrintLedger", unit=COUNTY, language="zh")
    t.check(printed["html"].startswith("<!DOCTYPE html>") and "示例县卫生局整改台账" in printed["html"]
            and printed["items"] == printed["html"].count("<tr data-item=") and printed["units"] >= 1,
            "PrintLedger(unit): the county's ledger page, its rows counted", repr({k: printed[k] for k in ("units", "items")}))
    every = L.call("PrintLedger")
    t.check(every["items"] >= printed["items"], "PrintLedger: every unit's ledger")
    no_such_unit("PrintLedger of an unknown unit", "PrintLedger", NOWHERE, unit=NOWHERE)
    refused("PrintLedger in Latin", "InvalidArgument", "PrintLedger", param="language", language="la")


# --- Backups


def test_backup():
    import base64
    taken = L.call("Backup")
    name, size = taken["backup"], taken["size"]
    t.check(size > 0 and taken["items"] == snapshot()["total"] and taken["notices"] >= 0
            and parse_instant(taken["takenAt"]) <= datetime.datetime.now(datetime.timezone.utc),
            "Backup: a copy of the ledger with its items counted", repr(taken))
    refused("ReadBackup of a path", "InvalidArgument", "ReadBackup", param="backup", says="not the name of a backup",
            backup="../ledger.sqlite", offset=0)
    refused("ReadBackup past its end", "InvalidArgument", "ReadBackup", param="offset", backup=name, offset=size + 1)
    data = b""
    while len(data) < size:
        part = L.call("ReadBackup", backup=name, offset=len(data))
        chunk = base64.b64decode(part["data"])
        if not chunk:
            break
        data += chunk
    t.check(len(data) == size and data.startswith(b"SQLite format 3\0"),
            "ReadBackup: the whole copy, an SQLite database", f"{len(data)} of {size} bytes")
    refused("ReadBackup of a copy read to its end", "NotFound", "ReadBackup", says="read to its end", backup=name,
            offset=0)


def test_plans():
    shown = L.call("GetPlan")
    t.check(shown["plans"] == 2 and "(district)" in shown["text"] and "实施方案上报" in shown["text"]
            and "岗位练兵技术比武" in shown["text"],
            "GetPlan: the plan in force, its phases and deliverables", repr(shown))
    refused("GetPlan of an unknown plan", "InvalidArgument", "GetPlan", param="plan", says="there is no plan",
            plan="nope")
    refused("HandIn to an unknown plan", "InvalidArgument", "HandIn", param="plan", says="plans: city, district",
            plan="nope", deliverable="实施方案上报", unit=COUNTY)
    refused("HandIn of an unknown deliverable", "InvalidArgument", "HandIn", param="deliverable",
            says="its deliverables: 实施方案上报", plan="district", deliverable="总结", unit=COUNTY)
    refused("HandIn by the top of the tree", "InvalidArgument", "HandIn", param="unit", says="owes nothing",
            plan="district", deliverable="实施方案上报", unit=CITY)
    refused("HandIn on a day to come", "InvalidArgument", "HandIn", param="handedOn", says="in the future",
            plan="district", deliverable="实施方案上报", unit=COUNTY, handedOn=str(TODAY + datetime.timedelta(days=2)))
    no_such_unit("HandIn by an unknown unit", "HandIn", NOWHERE, plan="district", deliverable="实施方案上报",
                 unit=NOWHERE)
    handed = L.call("HandIn", plan="district", deliverable="实施方案上报", unit=COUNTY, note="conformance")
    t.check(handed["unit"] == COUNTY and handed["handedOn"] == str(TODAY) and handed["closed"] == [],
            "HandIn: recorded today, nothing to close", repr(handed))
    refused("HandIn twice", "InvalidArgument", "HandIn", says="already", plan="district", deliverable="实施方案上报",
            unit=COUNTY)
    # Bad input: an unknown rule, a range counted from roles, a unit of a kind not counted, a
    # count of 0, a day outside the quota's year, an unknown unit.
    refused("RecordCount of an unknown rule", "InvalidArgument", "RecordCount", param="rule",
            says="its quotas and ranges: 岗位练兵技术比武", plan="city", rule="练兵", unit=COUNTY, day="2011-05-01")
    refused("RecordCount of a range counted from roles", "InvalidArgument", "RecordCount", param="rule",
            says="role contact-leader", plan="city", rule="领导干部联系点", unit=COUNTY)
    refused("RecordCount for a kind of unit not counted", "InvalidArgument", "RecordCount", param="unit",
            says="is not counted by 支部书记岗位培训", plan="city", rule="支部书记岗位培训", unit=COUNTY, day="2011-05-01")
    refused("RecordCount of none", "InvalidArgument", "RecordCount", param="count", says="not a count", plan="city",
            rule="岗位练兵技术比武", unit=COUNTY, day="2011-05-01", count=0)
    refused("RecordCount outside the quota's year", "InvalidArgument", "RecordCount", param="day",
            says="outside the quota's year 2011", plan="city", rule="岗位练兵技术比武", unit=COUNTY)
    no_such_unit("RecordCount by an unknown unit", "RecordCount", NOWHERE, plan="city", rule="岗位练兵技术比武",
                 unit=NOWHERE, day="2011-05-01")
    first = L.call("RecordCount", plan="city", rule="岗位练兵技术比武", unit=COUNTY, day="2011-05-01", note="比武")
    second = L.call("RecordCount", plan="city", rule="岗位练兵技术比武", unit=COUNTY, day="2011-09-01", count=2)
    t.check(first["total"] == 1 and second["total"] == 3 and second["id"] > first["id"]
            and second["day"] == "2011-09-01", "RecordCount: each record adds to the unit's count", repr(second))


def test_ledger(client):
    global L
    with client.open(LEDGER) as handle:
        L = Capturing(handle, interfaces[LEDGER])
        t.run("units and roles", test_units)
        t.run("commitments", test_commitments)
        t.run("reviews", test_reviews)
        t.run("information reports", test_reports)
        state = {}
        t.run("items", lambda: state.update(a=test_items()))
        t.run("item lifecycle", lambda: state.update(x=test_lifecycle()))
        t.run("removing units", test_remove)
        t.run("import and export", test_import_export)
        t.run("notices and history", test_notices_history, state.get("x"))
        t.run("evaluation", test_evaluation)
        t.run("people and deliveries", test_people_deliveries)
        t.run("campaign plans", test_plans)
        t.run("backups", test_backup)
        methods = {name for name, m in interfaces[LEDGER].members.items() if isinstance(m, scanner._Method)}
        t.check(methods <= L.answered, "every method of io.cadenced.Ledger was answered through the varlink package",
                f"never answered: {sorted(methods - L.answered)}")
        return state.get("a")


def test_raw(item):
    """What the package cannot send: unknown methods and interfaces, wrong types, flags."""
    ledger = interfaces[LEDGER]
    service = interfaces[SERVICE]

    def expect(what, reply, name, iface, bug=None, **expected):
        if not t.check(reply.get("error") == name, what, repr(reply)[:300], bug=bug):
            return
        problems = error_problems(iface, reply)
        t.check(not problems, f"{what}: error parameters fit the IDL", "; ".join(problems))
        for key, value in expected.items():
            t.check(reply.get("parameters", {}).get(key) == value, f"{what}: {key} = {value!r}", repr(reply))

    before = snapshot()
    expect("an unknown method of io.cadenced.Ledger -> MethodNotFound", raw_call(LEDGER + ".Bogus"),
           "org.varlink.service.MethodNotFound", service, method=LEDGER + ".Bogus")
    expect("an unknown method of org.varlink.service -> MethodNotFound", raw_call(SERVICE + ".Bogus"),
           "org.varlink.service.MethodNotFound", service, method=SERVICE + ".Bogus")
    expect("a method of an unknown interface -> InterfaceNotFound", raw_call("io.cadenced.Nope.GetStatus"),
           "org.varlink.service.InterfaceNotFound", service, interface="io.cadenced.Nope")
    expect("a method of a prefix interface (io.cadenced) -> InterfaceNotFound", raw_call("io.cadenced.Ledger"),
           "org.varlink.service.InterfaceNotFound", service, interface="io.cadenced")
    expect("a method name without an interface -> an error", raw_call("GetStatus"),
           "org.varlink.service.InterfaceNotFound", service)
    expect("GetInterfaceDescription without 'interface' -> InvalidParameter",
           raw_call(SERVICE + ".GetInterfaceDescription", {}), "org.varlink.service.InvalidParameter", service,
           parameter="interface")
    day = f"{NEXT_YEAR}-01-02"
    for what, method, parameters, parameter in [
        ("GetItem with a string id", "GetItem", {"id": "1"}, "id"),
        ("GetItem without an id", "GetItem", {}, "id"),
        ("GetItem with a fractional id", "GetItem", {"id": 1.5}, "id"),
        ("GetItem with a boolean id", "GetItem", {"id": True}, "id"),
        ("GetItem with an id beyond int64", "GetItem", {"id": 2 ** 70}, "id"),
        ("AddItem without a deadline", "AddItem", {"unit": COUNTY, "title": "x"}, "deadline"),
        ("AddItem with a numeric unit", "AddItem", {"unit": 7, "title": "x", "deadline": day}, "unit"),
        ("AddItem with a null title", "AddItem", {"unit": COUNTY, "title": None, "deadline": day}, "title"),
        ("AddItem with a list as first", "AddItem", {"unit": COUNTY, "title": "x", "deadline": day, "first": ["a"]},
         "first"),
        ("ListItems with a numeric unit", "ListItems", {"unit": 7}, "unit"),
        ("ListItems with a string overdueOnly", "ListItems", {"overdueOnly": "yes"}, "overdueOnly"),
        ("ListItems with a string limit", "ListItems", {"limit": "1"}, "limit"),
        ("AddUnit with a string quota", "AddUnit", {"id": f"t-{S}", "name": "T", "kind": "other", "quota": "4"},
         "quota"),
        ("AddUnit with a numeric kind", "AddUnit", {"id": f"t-{S}", "name": "T", "kind": 3}, "kind"),
        ("AddUnit without a name", "AddUnit", {"id": f"t-{S}", "kind": "other"}, "name"),
        ("ListUnits with a string includeRemoved", "ListUnits", {"includeRemoved": "yes"}, "includeRemoved"),
        ("AssignRole with a list as person", "AssignRole", {"unit": COUNTY, "role": "main", "person": []}, "person"),
        ("AddCommitment with a string year", "AddCommitment", {"unit": COUNTY, "text": "x", "year": "2027"}, "year"),
        ("EvaluateCommitment with a fractional id", "EvaluateCommitment", {"id": 1.5, "status": "partial"}, "id"),
        ("RecordReview with override 1", "RecordReview", {"unit": COUNTY, "kind": "review", "override": 1},
         "override"),
        ("RecordReview with a numeric heldOn", "RecordReview", {"unit": COUNTY, "kind": "review", "heldOn": 20270101},
         "heldOn"),
        ("SubmitReport with a numeric title", "SubmitReport", {"unit": COUNTY, "title": 5}, "title"),
        ("GetQuota with a string all", "GetQuota", {"all": "no"}, "all"),
        ("UpdateItem with a numeric action", "UpdateItem", {"id": item["id"], "action": 5}, "action"),
        ("UpdateItem with a string id", "UpdateItem", {"id": str(item["id"]), "action": "progress"}, "id"),
        ("CloseItem with an object as by", "CloseItem", {"id": item["id"], "by": {"name": "x"}}, "by"),
        ("ListNotices with a string limit", "ListNotices", {"limit": "5"}, "limit"),
        ("ListHistory with a boolean item", "ListHistory", {"item": True}, "item"),
        ("Import with a numeric text", "Import", {"kind": "units", "format": "csv", "text": 5}, "text"),
        ("Import with a string dryRun", "Import", {"kind": "units", "format": "csv", "text": "id\n", "dryRun": "true"},
         "dryRun"),
        ("Export with a null kind", "Export", {"kind": None, "format": "csv"}, "kind"),
    ]:
        reply = raw_call(f"{LEDGER}.{method}", parameters)
        expect(f"{what} -> InvalidParameter", reply, "org.varlink.service.InvalidParameter", service,
               parameter=parameter)
    expect("parameters that are not an object -> InvalidParameter", raw_call(LEDGER + ".GetStatus", [1, 2]),
           "org.varlink.service.InvalidParameter", service)
    diff = differences(before, snapshot())
    t.check(not diff, "raw calls with wrong types: nothing changed", diff)

    raw = Raw(PATH)
    try:
        # A oneway call gets no reply: the next reply on the connection answers the next call.
        raw.send({"method": LEDGER + ".AddItem", "oneway": True,
                  "parameters": {"unit": BRANCH, "title": "oneway", "deadline": f"{NEXT_YEAR}-05-05",
                                 "first": "Director Wu"}})
        reply = raw.call(LEDGER + ".ListItems", {"unit": BRANCH})
        t.check(reply.get("parameters", {}).get("total") == 1, "a oneway AddItem is done without a reply",
                repr(reply))
        # "more" on a method that does not stream: one reply, not marked as continuing.
        reply = raw.call(LEDGER + ".GetStatus", more=True)
        t.check("parameters" in reply and not reply.get("continues"), "GetStatus with more: one final reply",
                repr(reply))
        # Pipelined calls are answered in order.
        raw.send_bytes(b"".join(
            (f'{{"method":"{LEDGER}.GetItem","parameters":{{"id":{i}}}}}').encode() + b"\0"
            for i in (item["id"], 987654321, item["id"])))
        replies = [raw.receive() for _ in range(3)]
        t.check(replies[0].get("parameters", {}).get("item", {}).get("id") == item["id"]
                and replies[1].get("error") == LEDGER + ".NoSuchItem"
                and replies[2].get("parameters", {}).get("item", {}).get("id") == item["id"],
                "three pipelined calls are answered in order", repr(replies))
        for r in (replies[0], replies[2]):
            problems = reply_problems(ledger, "GetItem", r.get("parameters"))
            t.check(not problems, "pipelined GetItem reply fits the IDL", "; ".join(problems))
    finally:
        raw.close()
    after = snapshot()
    t.check(after["total"] == before["total"] + 1, "only the oneway AddItem changed the ledger",
            f"{before['total']} -> {after['total']}")


wait_for_socket(PATH)
with varlink.Client(address="unix:" + PATH) as client:
    t.run("org.varlink.service", test_service, client)
    if LEDGER in interfaces:
        result = {}
        t.run("io.cadenced.Ledger through the varlink package", lambda: result.update(item=test_ledger(client)))
        if result.get("item") is not None:
            t.run("raw calls", test_raw, result["item"])
    else:
        t.check(False, "io.cadenced.Ledger description available")
t.finish()

#!/usr/bin/env python3
"""Varlink conformance of cadenced's control socket, seen through the `varlink` Python package
(a client nobody here wrote) and, where that client refuses to send something, raw JSON.

Usage: conformance.py SOCKET_PATH

Every reply is also checked strictly against the IDL the service itself returns (all fields
present with the declared types, no undeclared ones); every error against the errors its
interface declares. Prints `N passed, M failed`; exits 1 on any failure.
"""

import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from varlinktest import Raw, Recorder, error_problems, reply_problems, varlink, wait_for_socket  # noqa: E402

LEDGER = "io.cadenced.Ledger"
SERVICE = "org.varlink.service"

_args = [a for a in sys.argv[1:] if a != "--strict"]
if len(_args) != 1:
    sys.exit("usage: conformance.py SOCKET_PATH [--strict]")
PATH = _args[0]
NEXT_YEAR = datetime.date.today().year + 1
t = Recorder("conformance")
interfaces = {}


def parse_instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class Capturing:
    """Wraps a client interface handle: remembers the raw reply parameters of the last call
    (before the package filters them) and checks them strictly against the IDL."""

    def __init__(self, handle, interface):
        self.handle = handle
        self.interface = interface
        self.raw = None
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
        return result

    def expect_error(self, what, name, method, *args, **kwargs):
        """Calls `method` expecting the error `name`; returns its parameters."""
        try:
            result = getattr(self.handle, method)(*args, **kwargs)
        except varlink.VarlinkError as error:
            t.check(error.error() == name, what, f"got {error.error()} {error.parameters()}")
            iface = interfaces.get(error.error().rpartition(".")[0])
            if iface is not None:
                problems = error_problems(iface, error.as_dict())
                t.check(not problems, f"{what}: error parameters fit the IDL", "; ".join(problems))
            return error.parameters() or {}
        t.check(False, what, f"no error, got {result}")
        return {}


def total(ledger):
    return ledger.call("ListItems")["total"]


def raw_call(method, parameters=None, **flags):
    raw = Raw(PATH)
    try:
        return raw.call(method, parameters, **flags)
    finally:
        raw.close()


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
            expected = {"GetStatus", "AddItem", "GetItem", "ListItems", "CloseItem",
                        "NoSuchItem", "InvalidArgument", "PermissionDenied", "LedgerFailure", "Item", "Status"}
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


def test_ledger(client):
    with client.open(LEDGER) as handle:
        ledger = Capturing(handle, interfaces[LEDGER])
        status = ledger.call("GetStatus")["status"]
        t.check(status["items"] >= 0 and status["openItems"] <= status["items"], "GetStatus counts are sane",
                repr(status))
        items_before = status["items"]

        unit = f"conformance-{os.getpid()}"
        # A date deadline (YYYY-MM-DD) next year: due at DeadlineTime= of that local day.
        day = f"{NEXT_YEAR}-06-30"
        a = ledger.call("AddItem", unit=unit, title="整改: fire exits blocked", deadline=day)["item"]
        t.check(a["unit"] == unit and a["title"] == "整改: fire exits blocked", "AddItem returns unit and title",
                repr(a))
        t.check(a["overdue"] is False and a["state"] != "", "AddItem: a new item is not overdue", repr(a))
        due = parse_instant(a["deadline"])
        lo = datetime.datetime(NEXT_YEAR, 6, 29, 10, tzinfo=datetime.timezone.utc)
        hi = datetime.datetime(NEXT_YEAR, 7, 1, 14, tzinfo=datetime.timezone.utc)
        t.check(lo <= due <= hi, f"AddItem: deadline {day} falls due on that day", a["deadline"])

        # ISO 8601 deadlines: UTC, with an offset, with fractional seconds.
        iso = f"{NEXT_YEAR}-03-01T09:30:00Z"
        b = ledger.call("AddItem", unit=unit, title="ISO deadline", deadline=iso)["item"]
        t.check(parse_instant(b["deadline"]) == parse_instant(iso), "AddItem: an ISO 8601 deadline is kept",
                f"{iso} -> {b['deadline']}")
        offset = f"{NEXT_YEAR}-03-01T17:30:00+08:00"
        c = ledger.call("AddItem", unit=unit + "-other", title="offset deadline", deadline=offset)["item"]
        t.check(parse_instant(c["deadline"]) == parse_instant(iso), "AddItem: an ISO 8601 offset is honoured",
                f"{offset} -> {c['deadline']}")
        fractional = f"{NEXT_YEAR}-04-01T00:00:00.250Z"
        d = ledger.call("AddItem", unit=unit + "-other", title="fractional", deadline=fractional)["item"]
        t.check(abs((parse_instant(d["deadline"]) - parse_instant(fractional)).total_seconds()) < 1,
                "AddItem: ISO 8601 with fractional seconds", d["deadline"])
        t.check(len({a["id"], b["id"], c["id"], d["id"]}) == 4, "AddItem: ids are distinct")

        got = ledger.call("GetItem", id=a["id"])["item"]
        t.check(got == a, "GetItem returns the item AddItem returned", f"{got} vs {a}")

        listing = ledger.call("ListItems")
        ids = [item["id"] for item in listing["items"]]
        t.check(listing["total"] == items_before + 4, "ListItems: total grew by the 4 items added",
                f"{items_before} -> {listing['total']}")
        t.check({a["id"], b["id"], c["id"], d["id"]} <= set(ids), "ListItems lists the new items")
        deadlines = [parse_instant(item["deadline"]) for item in listing["items"]]
        t.check(deadlines == sorted(deadlines), "ListItems: oldest deadline first")
        t.check(ledger.call("GetStatus")["status"]["items"] == listing["total"], "GetStatus items == ListItems total")

        mine = ledger.call("ListItems", unit=unit)
        t.check(sorted(i["id"] for i in mine["items"]) == sorted([a["id"], b["id"]]) and mine["total"] == 2,
                "ListItems(unit) lists only that unit's items", repr(mine))
        t.check(ledger.call("ListItems", unit="no-such-unit-" + unit)["total"] == 0,
                "ListItems(unit) of an unknown unit is empty")
        overdue = ledger.call("ListItems", overdueOnly=True)
        t.check(all(i["overdue"] for i in overdue["items"]) and not {a["id"], b["id"]} & {i["id"] for i in overdue["items"]},
                "ListItems(overdueOnly) lists only overdue items", repr(overdue))
        t.check(ledger.call("ListItems", unit=unit, overdueOnly=True)["total"] == 0,
                "ListItems(unit, overdueOnly) of future items is empty")
        t.check(ledger.call("ListItems", unit=unit, overdueOnly=False)["total"] == 2,
                "ListItems(unit, overdueOnly=false) lists all of the unit")
        limited = ledger.call("ListItems", limit=1)
        t.check(len(limited["items"]) == 1 and limited["total"] == listing["total"],
                "ListItems(limit=1): one item, the full total", repr(limited))

        closed = ledger.call("CloseItem", id=b["id"])["item"]
        t.check(closed["id"] == b["id"] and closed["state"] != b["state"], "CloseItem changes the state",
                f"{b['state']} -> {closed['state']}")
        t.check(ledger.call("GetItem", id=b["id"])["item"]["state"] == closed["state"], "GetItem sees the close")
        t.check(ledger.call("GetStatus")["status"]["openItems"] == listing["total"] - 1 - sum(
            1 for i in listing["items"] if i["state"] == closed["state"]), "GetStatus: openItems dropped by one")

        # Bad input: every refused call below must leave the ledger unchanged.
        before = total(ledger)
        ledger_items = ledger.call("ListItems")["items"]

        def unchanged(what):
            after = ledger.call("ListItems")
            t.check(after["total"] == before and after["items"] == ledger_items, f"{what}: nothing changed",
                    f"total {before} -> {after['total']}")

        p = ledger.expect_error("GetItem of an unknown id -> NoSuchItem", "io.cadenced.Ledger.NoSuchItem",
                                "GetItem", id=987654321)
        t.check(p.get("id") == "987654321", "NoSuchItem names the id", repr(p))
        ledger.expect_error("CloseItem of an unknown id -> NoSuchItem", "io.cadenced.Ledger.NoSuchItem",
                            "CloseItem", id=987654321)
        unchanged("CloseItem of an unknown id")
        ledger.expect_error("GetItem of id -1 -> NoSuchItem", "io.cadenced.Ledger.NoSuchItem", "GetItem", id=-1)
        again = ledger.expect_error("CloseItem of a closed item -> InvalidArgument",
                                    "io.cadenced.Ledger.InvalidArgument", "CloseItem", id=b["id"])
        unchanged("CloseItem of a closed item")

        bad_deadlines = {
            "in the past (date)": "2001-01-01",
            "in the past (ISO)": "2001-01-01T00:00:00Z",
            "a day that does not exist": f"{NEXT_YEAR}-02-30",
            "month 13": f"{NEXT_YEAR}-13-01",
            "not a date": "next tuesday",
            "a date with a trailing space": f"{NEXT_YEAR}-06-30 ",
            "hour 25": f"{NEXT_YEAR}-03-01T25:00:00Z",
            "no zone": f"{NEXT_YEAR}-03-01T09:30:00",
        }
        for what, deadline in bad_deadlines.items():
            p = ledger.expect_error(f"AddItem with a deadline {what} ({deadline!r}) -> InvalidArgument",
                                    "io.cadenced.Ledger.InvalidArgument", "AddItem", unit=unit, title="bad",
                                    deadline=deadline)
            t.check(p.get("parameter") == "deadline", f"InvalidArgument names 'deadline' ({what})", repr(p))
            unchanged(f"AddItem with a deadline {what}")
        for what, arguments, parameter in [
            ("an empty unit", dict(unit="", title="x", deadline=day), "unit"),
            ("a blank unit", dict(unit=" \t ", title="x", deadline=day), "unit"),
            ("an empty title", dict(unit=unit, title="", deadline=day), "title"),
            ("an empty deadline", dict(unit=unit, title="x", deadline=""), "deadline"),
            ("a unit over 4096 bytes", dict(unit="u" * 4097, title="x", deadline=day), "unit"),
        ]:
            p = ledger.expect_error(f"AddItem with {what} -> InvalidArgument", "io.cadenced.Ledger.InvalidArgument",
                                    "AddItem", **arguments)
            t.check(p.get("parameter") == parameter, f"InvalidArgument names '{parameter}' ({what})", repr(p))
            unchanged(f"AddItem with {what}")
        ledger.expect_error("ListItems(limit=0) -> InvalidArgument", "io.cadenced.Ledger.InvalidArgument",
                            "ListItems", limit=0)

        # The package checks arguments against the IDL before sending: a string id never leaves.
        try:
            handle.GetItem(id="one")
            t.check(False, "the client refuses GetItem(id: string)")
        except varlink.InvalidParameter:
            t.check(True, "the client refuses GetItem(id: string) locally (InvalidParameter)")
        unchanged("refused client-side calls")
        t.check(ledger.call("GetItem", id=a["id"])["item"] == a, "the connection still works after the errors")
    return unit, a, before, ledger_items


def test_raw(unit, item, before, items):
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
    bool_as_int = "a JSON boolean is taken as the int 0/1 (GetItem/CloseItem {\"id\": true} is item 1)"
    ignored = "ListItems ignores optional parameters of the wrong type instead of InvalidParameter"
    for what, method, parameters, parameter, bug in [
        ("GetItem with a string id", "GetItem", {"id": "1"}, "id", None),
        ("GetItem without an id", "GetItem", {}, "id", None),
        ("GetItem with a fractional id", "GetItem", {"id": 1.5}, "id", None),
        ("GetItem with a boolean id", "GetItem", {"id": True}, "id", bool_as_int),
        ("GetItem with an id beyond int64", "GetItem", {"id": 2 ** 70}, "id", None),
        ("AddItem without a deadline", "AddItem", {"unit": unit, "title": "x"}, "deadline", None),
        ("AddItem with a numeric unit", "AddItem", {"unit": 7, "title": "x", "deadline": f"{NEXT_YEAR}-01-02"},
         "unit", None),
        ("AddItem with a null title", "AddItem", {"unit": unit, "title": None, "deadline": f"{NEXT_YEAR}-01-02"},
         "title", None),
        ("ListItems with a numeric unit", "ListItems", {"unit": 7}, "unit", ignored),
        ("ListItems with a string overdueOnly", "ListItems", {"overdueOnly": "yes"}, "overdueOnly", ignored),
        ("ListItems with a string limit", "ListItems", {"limit": "1"}, "limit", ignored),
    ]:
        reply = raw_call(f"{LEDGER}.{method}", parameters)
        expect(f"{what} -> InvalidParameter", reply, "org.varlink.service.InvalidParameter", service,
               bug=bug, parameter=parameter)
    expect("parameters that are not an object -> InvalidParameter", raw_call(LEDGER + ".GetStatus", [1, 2]),
           "org.varlink.service.InvalidParameter", service)

    raw = Raw(PATH)
    try:
        # A oneway call gets no reply: the next reply on the connection answers the next call.
        raw.send({"method": LEDGER + ".AddItem", "oneway": True,
                  "parameters": {"unit": unit + "-oneway", "title": "oneway", "deadline": f"{NEXT_YEAR}-05-05"}})
        reply = raw.call(LEDGER + ".ListItems", {"unit": unit + "-oneway"})
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
    after = raw_call(LEDGER + ".ListItems", {})
    t.check(after["parameters"]["total"] == before + 1, "only the oneway AddItem changed the ledger",
            f"{before} -> {after['parameters']['total']}")


wait_for_socket(PATH)
with varlink.Client(address="unix:" + PATH) as client:
    t.run("org.varlink.service", test_service, client)
    if LEDGER in interfaces:
        state = None

        def ledger_tests():
            global state
            state = test_ledger(client)

        t.run("io.cadenced.Ledger through the varlink package", ledger_tests)
        if state is not None:
            t.run("raw calls", test_raw, *state)
    else:
        t.check(False, "io.cadenced.Ledger description available")
t.finish()

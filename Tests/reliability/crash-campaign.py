#!/usr/bin/env python3
"""Crash campaign: cadenced under steady work, killed with SIGKILL at random moments and restarted,
then stopped with SIGTERM in the middle of a large catch-up.

Work: a cadence fires every second (each elapse its own period), and a writer thread adds
rectification items over the control socket (with deadlines 1.5-4 s ahead; WarnBeforeSec=1s and an
escalation ladder of 1, 2 and 3 s, so every item has five stages falling due), moves some to
in-progress and adds units now and then: events fall due every ~100 ms. Meanwhile the daemon is
killed (SIGKILL) after a random 0.05-2.5 s of life — during startup, catch-up, a transaction, a
file write or a journal send — and restarted after a random 0-0.6 s of downtime, KILLS times.
Then it runs until everything has fallen due and been delivered, and is stopped with SIGTERM.

Checks afterwards, from the ledger, the notice tree and the journal (a journald of our own):
- every acknowledged change (item added, item moved to in-progress, unit added) is in the ledger,
  once in the history; a refused one is not; one whose reply was lost may be either;
- every item has all five stages recorded, its overdue and accountability notices stored;
- every second of the run has its cadence occurrence, each with its notice;
- every notice is in both sinks exactly once: one file, one index line, one journal entry
  (duplicates are counted: the target is 0), none emitted before it was due.

Catch-up phase (CATCHUPS times): items imported with deadlines 2 s ahead, the daemon killed at
once and started again after they passed their whole ladder, then SIGTERM 0.05-1 s into that
catch-up: it must exit cleanly (status 0) and in time, and after a restart everything is
delivered once.

Usage (inside Tests/reliability/private-ns, as root):
  crash-campaign.py --bin DIR --work DIR [--kills 200] [--catchups 3] [--seed N]
Prints ok/FAIL lines and a final `RESULT {json}` line; exits 1 on any failure.
"""

import argparse
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import Client, Daemon, Journald, Unreachable  # noqa: E402

arguments = argparse.ArgumentParser()
arguments.add_argument("--bin", required=True, help="directory with the built cadenced")
arguments.add_argument("--work", required=True, help="an empty directory for configuration, state and logs")
arguments.add_argument("--kills", type=int, default=200)
arguments.add_argument("--catchups", type=int, default=3)
arguments.add_argument("--catchup-items", type=int, default=1500)
arguments.add_argument("--seed", type=int, default=None)
options = arguments.parse_args()

harness.require_private_namespace()
seed = options.seed if options.seed is not None else random.randrange(1 << 30)
rng = random.Random(seed)
t = harness.Recorder("crash")
t.note(f"seed {seed} (--seed {seed} repeats the kill schedule)")
t.figures["seed"] = seed

STAGES = {"warn-1s", "overdue", "circular", "talk", "accountability"}
CONF = """[Daemon]
TimeZone=UTC
Language=en
CatchUpWindowSec=1h
[Ledger]
WarnBeforeSec=1s
CircularAfterSec=1s
TalkAfterSec=2s
AccountabilityAfterSec=3s
"""
TICK = "[Cadence]\nDescription=Crash campaign tick\nOnCalendar=*:*:*\nKind=reminder\nPeriod=occurrence\n"

journald = Journald(os.path.join(options.work, "journald.log"))
journald.start()


class Writer(threading.Thread):
    """Adds items (mostly), moves items to in-progress and adds units, over and over, recording
    which calls were acknowledged, refused, or left without a reply (the daemon died)."""

    def __init__(self, path, unit):
        super().__init__(daemon=True)
        self.path = path
        self.unit = unit
        self.stop = threading.Event()
        self.acked_items = {}  # title -> (id, deadline text)
        self.acked_progress = set()  # item ids
        self.acked_units = set()
        self.refused = []  # (method, key)
        self.unanswered = []  # (method, key)
        self.calls = 0
        self.n = 0
        self.rng = random.Random(seed + 1)

    def run(self):
        client = None
        while not self.stop.is_set():
            if client is None:
                try:
                    client = Client(self.path, timeout=10)
                except Unreachable:
                    time.sleep(0.02)
                    continue
            self.n += 1
            roll = self.rng.random()
            if roll < 0.12 and self.acked_items:
                item_id = self.rng.choice(list(self.acked_items.values()))[0]
                method, key = "UpdateItem", item_id
                parameters = {"id": item_id, "action": "progress", "note": f"step {self.n}"}
            elif roll < 0.18:
                method, key = "AddUnit", f"crash-unit-{self.n}"
                parameters = {"id": key, "name": f"Crash Unit {self.n}", "kind": "other", "parent": self.unit}
            else:
                method, key = "AddItem", f"crash item {self.n}"
                deadline = harness.iso(time.time() + self.rng.uniform(1.5, 4.0))
                parameters = {"unit": self.unit, "title": key, "deadline": deadline, "first": "Director Crash"}
            try:
                self.calls += 1
                reply = client.call(method, parameters)
            except Unreachable:
                self.unanswered.append((method, key))
                client.close()
                client = None
                continue
            if "error" in reply:
                self.refused.append((method, key, reply["error"]))
            elif method == "AddItem":
                self.acked_items[key] = (reply["parameters"]["item"]["id"], parameters["deadline"])
            elif method == "UpdateItem":
                self.acked_progress.add(key)
            else:
                self.acked_units.add(key)
            time.sleep(self.rng.uniform(0.1, 0.4))
        if client:
            client.close()


def drain(daemon, until, seconds=120):
    """Lets the daemon run until `until` has passed, nothing is left to deliver and no item has a
    stage to come; returns the last status."""
    deadline = time.monotonic() + seconds
    status = None
    while time.monotonic() < deadline:
        try:
            status = daemon.status()
            client = Client(daemon.socket)
            pending = client.call("ListItems", {"limit": 1000000})["parameters"]["items"]
            client.close()
            waiting = [i for i in pending if i.get("nextEvent")]
            if time.time() > until and status["undelivered"] == 0 and not waiting:
                return status
        except (Unreachable, KeyError):
            pass
        time.sleep(0.5)
    return status


def verify_state(state, writer, what, first_instant=None, last_instant=None):
    """The ledger side of the checks; returns figures."""
    db = harness.ledger(state)
    items = {r["title"]: r for r in db.execute("SELECT id, title, unit, deadlineAt, state FROM rectificationItem")}
    stages = {}
    for r in db.execute("SELECT itemId, stage, noticeKey FROM itemStage"):
        stages.setdefault(r["itemId"], {})[r["stage"]] = r["noticeKey"]
    history = {}
    for r in db.execute("SELECT action, itemId, details FROM historyEntry"):
        history.setdefault((r["action"], r["itemId"]), []).append(r["details"])
    units = {r["id"] for r in db.execute("SELECT id FROM unit")}
    notice_keys = {r["key"] for r in db.execute("SELECT key FROM notice")}
    ticks = [r["effectiveAt"] for r in db.execute(
        "SELECT effectiveAt FROM occurrence WHERE cadence = 'tick' ORDER BY effectiveAt")]
    tick_notices = [r["noticeKey"] for r in db.execute("SELECT noticeKey FROM occurrence WHERE cadence = 'tick'")]
    db.close()

    figures = {}
    lost = []
    if writer:
        for title, (item_id, deadline) in writer.acked_items.items():
            row = items.get(title)
            expected = harness_micros(deadline)
            if row is None or row["id"] != item_id or abs(row["deadlineAt"] - expected) > 1:
                lost.append(f"item {title!r}")
            elif len(history.get(("item.add", item_id), [])) != 1:
                lost.append(f"history of item {title!r}")
        for item_id in writer.acked_progress:
            if len(history.get(("item.progress", item_id), [])) < 1:
                lost.append(f"progress of item {item_id}")
            elif not any(r["id"] == item_id and r["state"] == "in-progress" for r in items.values()):
                lost.append(f"state of item {item_id}")
        for unit in writer.acked_units:
            if unit not in units:
                lost.append(f"unit {unit}")
        refused_present = [k for m, k, _ in writer.refused if m == "AddItem" and k in items]
        unanswered_items = [k for m, k in writer.unanswered if m == "AddItem"]
        figures["acknowledged_changes"] = len(writer.acked_items) + len(writer.acked_progress) + len(writer.acked_units)
        figures["refused_calls"] = len(writer.refused)
        figures["unanswered_calls"] = len(writer.unanswered)
        figures["unanswered_items_committed"] = sum(1 for k in unanswered_items if k in items)
        t.check(not refused_present, f"{what}: no refused AddItem left an item", ", ".join(refused_present[:5]))
        if writer.refused:
            kinds = sorted({e for _, _, e in writer.refused})
            t.note(f"{what}: {len(writer.refused)} calls refused ({', '.join(kinds)})")
    figures["lost_changes"] = len(lost)
    t.check(not lost, f"{what}: every acknowledged change is in the ledger, once in the history",
            "; ".join(lost[:10]))

    incomplete = [i["id"] for i in items.values() if set(stages.get(i["id"], {})) != STAGES]
    unannounced = [i["id"] for i in items.values()
                   if not (stages.get(i["id"], {}).get("overdue") and stages.get(i["id"], {}).get("accountability"))]
    dangling = [k for s in stages.values() for k in s.values() if k and k not in notice_keys]
    figures["items"] = len(items)
    figures["item_stages"] = sum(len(s) for s in stages.values())
    t.check(not incomplete, f"{what}: all {len(items)} items have their five stages recorded",
            f"{len(incomplete)} incomplete, e.g. {incomplete[:5]}")
    t.check(not unannounced, f"{what}: every item's overdue and accountability notices are stored",
            f"{len(unannounced)}: {unannounced[:5]}")
    t.check(not dangling, f"{what}: every stage's notice exists", str(dangling[:5]))

    if first_instant is not None:
        gaps = [(a, b) for a, b in zip(ticks, ticks[1:]) if b - a != 1_000_000]
        figures["tick_occurrences"] = len(ticks)
        t.check(ticks and not gaps, f"{what}: every second has its cadence occurrence ({len(ticks)}), no gap",
                f"gaps {gaps[:5]}")
        t.check(ticks and ticks[-1] >= (last_instant - 3) * 1e6,
                f"{what}: occurrences reach the end of the run", f"last {ticks[-1] if ticks else None}")
        missing = [k for k in tick_notices if not k or k not in notice_keys]
        t.check(not missing, f"{what}: every occurrence has its notice", str(missing[:5]))
    return figures


def harness_micros(text):
    """ISO text back to microseconds since 1970 (UTC, as harness.iso writes it)."""
    import calendar
    whole, fraction = text.rstrip("Z").split(".")
    return calendar.timegm(time.strptime(whole, "%Y-%m-%dT%H:%M:%S")) * 1_000_000 + int(fraction)


# --- Phase 1: kills under steady work

binary = os.path.join(options.bin, "cadenced")
config = os.path.join(options.work, "config")
harness.write_config(config, CONF, {"tick": TICK})
state = os.path.join(options.work, "state")
daemon = Daemon(binary, config, state, os.path.join(options.work, "cadenced.log"))

daemon.start()
t.check(daemon.wait_ready() is not None, "the daemon starts and serves its socket")
setup = Client(daemon.socket)
setup.call("AddUnit", {"id": "crash-city", "name": "Crash City", "kind": "bureau"})
setup.close()
first_instant = time.time()
writer = Writer(daemon.socket, "crash-city")
writer.start()

lifetimes = []
kill_statuses = {}
started = time.monotonic()
for kill in range(options.kills):
    lifetime = rng.uniform(0.05, 2.5)
    time.sleep(max(0.0, lifetime - (time.monotonic() - started)))
    status = daemon.kill()
    kill_statuses[status] = kill_statuses.get(status, 0) + 1
    lifetimes.append(lifetime)
    time.sleep(rng.uniform(0.0, 0.6))
    daemon.start()
    started = time.monotonic()
    if (kill + 1) % 25 == 0:
        t.note(f"{kill + 1} kills so far; {len(writer.acked_items)} items acknowledged")

t.check(kill_statuses == {-signal.SIGKILL: options.kills}, f"{options.kills} SIGKILLs, each ended the daemon",
        str(kill_statuses))
writer.stop.set()
writer.join(30)
last_change = time.time()
status = drain(daemon, last_change + 8)
t.check(status is not None and status["undelivered"] == 0, "after the kills, everything falls due and is delivered",
        str(status))
last_instant = time.time()
exit_status = daemon.stop()
t.check(exit_status == 0, "SIGTERM after the campaign: clean exit", str(exit_status))
figures = verify_state(state, writer, "kills", first_instant, last_instant)
audit = harness.audit_notices(state)
harness.check_notice_audit(t, audit, "kills")
log = daemon.log_text()
t.figures.update({
    "kills": options.kills, "starts": daemon.starts, **figures,
    "notices": audit["notices"], "duplicates_journal": audit["journal_duplicates"],
    "duplicates_files": audit["file_duplicates"], "duplicates_index": audit["index_duplicates"],
    "temporaries_left": audit["temporaries"],
    "lateness_p50_ms": audit.get("on_time_lateness_p50_ms"), "lateness_p99_ms": audit.get("on_time_lateness_p99_ms"),
})
t.note(f"kills: {options.kills}, starts {daemon.starts}, {figures.get('acknowledged_changes')} acknowledged "
       f"changes, {figures.get('unanswered_calls')} calls cut off by a kill "
       f"({figures.get('unanswered_items_committed')} of their items committed anyway), {audit['notices']} notices")
t.note(f"on-time notices: lateness p50 {audit.get('on_time_lateness_p50_ms')} ms, "
       f"p99 {audit.get('on_time_lateness_p99_ms')} ms; {audit['temporaries']} temporary files left by kills")
t.check(audit["temporaries"] == 0, "no temporary notice file left by any kill (files are written unnamed)",
        str(audit["temporaries"]))
t.check("Fatal error" not in log and "Segmentation" not in log, "no crash of its own in the daemon's log")

# --- Phase 2: SIGTERM during a catch-up

catchup_figures = []
for round_number in range(options.catchups):
    what = f"catch-up {round_number + 1}"
    journald.restart_empty()
    cstate = os.path.join(options.work, f"catchup-{round_number + 1}")
    cdaemon = Daemon(binary, config, cstate, os.path.join(options.work, f"catchup-{round_number + 1}.log"))
    cdaemon.start()
    if not t.check(cdaemon.wait_ready() is not None, f"{what}: the daemon starts"):
        continue
    client = Client(cdaemon.socket)
    client.call("AddUnit", {"id": "catchup", "name": "Catch-up Unit", "kind": "other"})
    deadline = harness.iso(time.time() + 2.0)
    rows = ["unit,title,deadline,first"] + [
        f"catchup,catch-up item {n},{deadline},Director Catchup" for n in range(options.catchup_items)]
    reply = client.call("Import", {"kind": "items", "format": "csv", "text": "\n".join(rows) + "\n"})
    client.close()
    t.check(reply.get("parameters", {}).get("imported") == options.catchup_items,
            f"{what}: {options.catchup_items} items imported", str(reply)[:300])
    cdaemon.kill()
    time.sleep(2.0 + 3.0 + 1.0)  # past every item's whole ladder
    cdaemon.start()
    delay = rng.uniform(0.05, 1.0)
    time.sleep(delay)
    before = time.monotonic()
    exit_status = cdaemon.signal(signal.SIGTERM, wait=120)
    stop_seconds = time.monotonic() - before
    if exit_status is None:
        cdaemon.kill()  # never two daemons on one state directory: the audit below would count it
    db = harness.ledger(cstate)
    stored = db.execute("SELECT COUNT(*) FROM notice").fetchone()[0]
    db.close()
    t.note(f"{what}: SIGTERM {delay * 1000:.0f} ms after start, exit status {exit_status} after "
           f"{stop_seconds:.2f} s, {stored} notices stored by then")
    t.check(exit_status in (0, -signal.SIGTERM), f"{what}: SIGTERM during the catch-up stops the daemon "
            "(status 0, or the signal's default action before its handler was installed)", str(exit_status))
    catchup_figures.append({"delay_ms": round(delay * 1000), "exit": exit_status, "stop_seconds": round(stop_seconds, 2),
                            "stored_at_stop": stored})
    cdaemon.start()
    status = drain(cdaemon, time.time(), seconds=300)
    t.check(status is not None and status["undelivered"] == 0, f"{what}: after a restart everything is delivered",
            str(status))
    t.check(cdaemon.stop() == 0, f"{what}: clean exit on SIGTERM when idle")
    verify_state(cstate, None, what)
    audit = harness.audit_notices(cstate)
    harness.check_notice_audit(t, audit, what)
    t.figures.setdefault("catchup_duplicates", 0)
    t.figures["catchup_duplicates"] += audit["journal_duplicates"] + audit["file_duplicates"] + audit["index_duplicates"]

t.figures["catchups"] = catchup_figures
journald.stop()
t.finish()

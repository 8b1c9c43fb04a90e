#!/usr/bin/env python3
"""Clock campaign, whole process: cadenced under libfaketime (Debian's faketime) at constant
offsets and speed-ups, across the DST changes of America/New_York and Europe/Berlin, a leap day
and a month end, and restarted at later (and one earlier) offsets to model downtime and a clock
set back. Jumps and long spans inside one process are the injected-clock suite's job
(Tests/CadenceDaemonTests/ClockCampaignTests.swift): a faked jump does not fire an armed timer.

For every scenario, the cadence occurrences the daemon recorded are compared with the elapses
`systemd-analyze calendar --base-time=... --iterations=...` prints for the same expressions in
the same zone (an oracle we did not write): none missing, none extra, none twice. No notice is
emitted before it was due (in faked time); a notice file is dated in the configured zone; after
downtime, missed occurrences are recorded and announced late in one catch-up notice per cadence
(those older than CatchUpWindowSec= silently); after the clock is set back nothing fires again;
every notice reaches both sinks once.

Each scenario runs in its own Tests/reliability/private-ns (its own journald), all at once.

Usage (as root): clock-campaign.py --bin DIR --work DIR [--quick] [--scenario NAME]
"""

import argparse
import calendar
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zoneinfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import Daemon, Journald  # noqa: E402

FAKETIME_LIBRARIES = ["/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
                      "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
                      "/usr/lib/faketime/libfaketimeMT.so.1"]


def utc(text):
    """'2026-03-08 06:59:50' (UTC) as seconds since 1970."""
    return calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S"))


# A run: (fake start in UTC, speed, real seconds). Cadences: name -> (OnCalendar, Period).
# Items: (title, deadline in UTC). `files`: notice files expected (dated in the zone).
SCENARIOS = {
    "new-york-spring-forward": dict(
        zone="America/New_York", runs=[("2026-03-08 06:59:50", 1, 20)],
        cadences={"minute": ("*-*-* *:*:00", "occurrence"), "three": ("*-*-* 03:00", "occurrence"),
                  "half-two": ("*-*-* 02:30", "occurrence")}, files=["2026/03/08/030000-occurrence-three-"]),
    "new-york-fall-back": dict(
        # Quick: x20, so that a timer late by under 3 real seconds under a loaded CI machine cannot
        # put a wake-up inside the repeated hour (at x240 a quarter of a second did, and the
        # minute cadence then rightly fired there, where the oracle's chain does not).
        zone="America/New_York", runs=[("2026-11-01 05:55:00", 60, 80)], quick_runs=[("2026-11-01 05:55:00", 20, 27)],
        cadences={"minute": ("*-*-* *:*:00", "occurrence"), "half-one": ("*-*-* 01:30", "occurrence")}),
    # Deadlines are instants: one in the repeated hour falls due once, at its instant. (Alone: a
    # wake-up inside the repeated hour moves the base from which cadences find their next wall
    # time, and the oracle above chains from the previous elapse only.)
    "new-york-repeated-hour-deadline": dict(
        zone="America/New_York", runs=[("2026-11-01 05:55:00", 60, 45)], quick_runs=[("2026-11-01 05:55:00", 120, 25)],
        cadences={}, items=[("Roster in the repeated hour", "2026-11-01 06:30:00")],
        ledger="WarnBeforeSec=10min\nCircularAfterSec=5min\nTalkAfterSec=10min\nAccountabilityAfterSec=15min\n"),
    "berlin-fall-back": dict(
        zone="Europe/Berlin", runs=[("2026-10-25 00:30:00", 600, 18)],
        cadences={"hourly": ("*-*-* *:00", "occurrence"), "half-two": ("*-*-* 02:30", "occurrence")}, files=["2026/10/25/030000-occurrence-hourly-"]),
    "berlin-spring-forward": dict(
        zone="Europe/Berlin", runs=[("2026-03-29 00:20:00", 600, 18)],
        cadences={"hourly": ("*-*-* *:00", "occurrence"), "half-two": ("*-*-* 02:30", "occurrence")}, files=["2026/03/29/030000-occurrence-hourly-"]),
    "downtime-forward-40d-back-1d": dict(
        zone="Asia/Shanghai", conf="CatchUpWindowSec=10d\n",
        runs=[("2028-02-20 00:59:50", 1, 15), ("2028-03-31 04:00:00", 1, 5), ("2028-03-30 04:00:00", 1, 5),
              ("2028-04-01 00:59:55", 1, 10)],
        quick_runs=[("2028-02-20 00:59:50", 1, 12), ("2028-03-31 04:00:00", 1, 4), ("2028-03-30 04:00:00", 1, 4),
                    ("2028-04-01 00:59:55", 1, 8)],
        cadences={"daily": ("*-*-* 09:00", "occurrence"), "monthly": ("*-*-01 09:00", "month"),
                  "leap-day": ("*-02-29 12:00", "year"), "on-the-31st": ("*-*-31 09:00", "month")}),
    "leap-day-month-end-x3600": dict(
        zone="UTC", runs=[("2028-02-29 06:00:00", 3600, 21)], quick_runs=[("2028-02-29 06:00:00", 7200, 11)],
        cadences={"leap-day": ("*-02-29 12:00", "year"), "last-day": ("*-*~01 23:00", "month"),
                  "monthly": ("*-*-01 00:00", "month")},
        items=[("Leap-day deadline", "2028-02-29 18:00:00"), ("Month-end deadline", "2028-02-29 23:59:00")],
        ledger="WarnBeforeSec=6h 1h\nCircularAfterSec=1h\nTalkAfterSec=2h\nAccountabilityAfterSec=3h\n", files=["2028/02/29/120000-occurrence-leap-day-"]),
}

arguments = argparse.ArgumentParser()
arguments.add_argument("--bin", required=True)
arguments.add_argument("--work", required=True)
arguments.add_argument("--quick", action="store_true")
arguments.add_argument("--scenario", choices=sorted(SCENARIOS))
options = arguments.parse_args()
work = os.path.abspath(options.work)

if os.geteuid() != 0:
    harness.skip("needs root (private mount namespaces with their own journald)")
library = next((path for path in FAKETIME_LIBRARIES if os.path.exists(path)), None)
if library is None:
    harness.skip("libfaketime is not installed (Debian package faketime; scripts/deps installs it)")
if shutil.which("systemd-analyze") is None:
    harness.skip("systemd-analyze is not installed (the oracle of the elapses)")

# --- Without --scenario: every scenario at once, each in its own namespace; one RESULT line.
if options.scenario is None:
    t = harness.Recorder("clock")
    private_ns = os.path.join(os.path.dirname(os.path.abspath(__file__)), "private-ns")
    results = {}

    def run(name):
        directory = os.path.join(work, name)
        os.makedirs(directory, exist_ok=True)
        command = [private_ns, sys.executable, os.path.abspath(__file__), "--bin", options.bin, "--work", directory,
                   "--scenario", name] + (["--quick"] if options.quick else [])
        results[name] = subprocess.run(command, capture_output=True, text=True, timeout=600)

    threads = [threading.Thread(target=run, args=(name,)) for name in SCENARIOS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    passed = 0
    for name in SCENARIOS:
        result = results[name]
        print(f"--- scenario {name}\n{result.stdout}{result.stderr}", end="", flush=True)
        lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
        figures = json.loads(lines[-1][7:]) if lines else {}
        if t.check(result.returncode == 0 and figures.get("checks_failed") == 0, f"scenario {name}"):
            passed += 1
    t.figures.update({"faketime_scenarios": len(SCENARIOS), "faketime_scenarios_passed": passed})
    t.finish()

# --- One scenario, inside its private namespace
harness.require_private_namespace()
name = options.scenario
scenario = SCENARIOS[name]
t = harness.Recorder(f"clock-{name}")
runs = scenario.get("quick_runs", scenario["runs"]) if options.quick else scenario["runs"]
zone = scenario["zone"]
config = os.path.join(work, "config")
state = os.path.join(work, "state")
cadences = {cadence: f"[Cadence]\nDescription=Clock campaign {cadence}\nOnCalendar={expression}\nKind=reminder\n"
            f"Period={period}\n" for cadence, (expression, period) in scenario["cadences"].items()}
harness.write_config(config, f"[Daemon]\nTimeZone={zone}\nLanguage=en\n{scenario.get('conf', '')}"
                     f"[Ledger]\n{scenario.get('ledger', '')}", cadences)
journald = Journald(os.path.join(work, "journald.log"))
journald.start()


def elapses(expression, after, until):
    """systemd-analyze's elapses of `expression` in (after, until], as seconds since 1970."""
    found = []
    base = after
    while True:
        result = subprocess.run(["systemd-analyze", "calendar", f"--base-time=@{int(base)}", "--iterations=200",
                                 expression], capture_output=True, text=True, env=dict(os.environ, TZ=zone))
        # "(in UTC): Sun 2026-10-25 02:00:00 UTC" follows each elapse, unless the zone is UTC itself.
        pattern = r"(?:Next elapse|Iter\. #\d+|\(in UTC\)): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC$"
        batch = [utc(m) for m in re.findall(pattern, result.stdout, re.MULTILINE)]
        found += [e for e in batch if after < e <= until and e not in found]
        if len(batch) < 200 or batch[-1] > until:
            return found
        base = batch[-1]


def wall_time(instant):
    return datetime.datetime.fromtimestamp(instant, zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)


def repeated_wall_time(instant):
    """Whether the wall time of `instant` occurs twice in the zone (the hour DST gives back)."""
    local = wall_time(instant)
    first, second = (local.replace(tzinfo=zoneinfo.ZoneInfo(zone), fold=fold).utcoffset() for fold in (0, 1))
    return first != second


def ledger_rows(query):
    db = harness.ledger(state)
    rows = [dict(r) for r in db.execute(query)]
    db.close()
    return rows


first_start = utc(runs[0][0])
processed_before = None
notices_before = 0
owed = {cadence: [] for cadence in scenario["cadences"]}
optional = {cadence: [] for cadence in scenario["cadences"]}
startup_seconds = 3  # real seconds the daemon may take to start
for index, (start_text, speed, seconds) in enumerate(runs):
    start = utc(start_text)
    spec = f"@{start_text}" + (f" x{speed}" if speed != 1 else "")
    # Started through sh: a Swift program that a Python (or env) process executes directly under
    # libfaketime often sees no arguments at all (it then runs on /etc/cadenced); through
    # `sh -c 'exec ...'` it always sees them here. The log line below proves it did.
    daemon = Daemon(os.path.join(options.bin, "cadenced"), config, state, os.path.join(work, "cadenced.log"),
                    prefix=["/bin/sh", "-c", 'exec "$0" "$@"'],
                    env={"LD_PRELOAD": library, "FAKETIME": spec, "FAKETIME_DONT_FAKE_MONOTONIC": "1", "TZ": "UTC"})
    daemon.start()
    t.check(daemon.wait_ready() is not None, f"run {index + 1}: the daemon starts at {start_text} UTC (x{speed})")
    t.check(f"cadences from {config}" in daemon.log_text(), f"run {index + 1}: it runs on the scenario's configuration")
    if index == 0 and scenario.get("items"):
        harness.call(daemon.socket, "AddUnit", {"id": "clock-unit", "name": "Clock Unit", "kind": "other"})
        for title, deadline in scenario["items"]:
            reply = harness.call(daemon.socket, "AddItem", {"unit": "clock-unit", "title": title, "first": "Director",
                                                            "deadline": harness.iso(utc(deadline))})
            t.check("error" not in reply, f"item {title!r} added", str(reply)[:200])
    time.sleep(seconds)
    t.check(daemon.stop() == 0, f"run {index + 1}: clean exit on SIGTERM")
    through = int(ledger_rows("SELECT value FROM daemonState WHERE key = 'scheduledThrough'")[0]["value"]) / 1e6
    t.note(f"run {index + 1}: faked clock from {start_text} UTC to "
           f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(through))} UTC")
    notices = ledger_rows("SELECT key, kind, dueAt, emittedAt, payload FROM notice ORDER BY id")
    if processed_before is not None and start <= processed_before:
        # The clock was set back: nothing is owed again, nothing new may appear.
        t.check(len(notices) == notices_before, f"run {index + 1}: clock set back "
                f"{(processed_before - start) / 3600:.0f} h: no notice fires again", f"{len(notices) - notices_before} new")
    else:
        # The daemon finds each next elapse from the instant it processed last: the oracle chains
        # from the same base (it matters where a wall time occurs twice).
        base = processed_before if processed_before is not None else start
        for cadence, (expression, _) in scenario["cadences"].items():
            chain = elapses(expression, base, through)
            if processed_before is None:
                # An elapse while the daemon was still starting is not owed (a new ledger starts
                # when it first runs): it may or may not be recorded.
                optional[cadence] += [e for e in chain if e <= start + startup_seconds * speed]
                chain = [e for e in chain if e > start + startup_seconds * speed]
            owed[cadence] += chain
        if processed_before is not None and start - processed_before > 3600:
            # Downtime: each cadence with missed occurrences in the window gets one catch-up notice.
            new = notices[notices_before:]
            catchups = [n for n in new if n["kind"] == "catch-up"]
            per_cadence = {}
            for n in catchups:
                per_cadence.setdefault(json.loads(n["payload"])["cadence"], []).append(n)
            window = 10 * 86400
            expected = {}
            for cadence, (expression, _) in scenario["cadences"].items():
                missed = [e for e in elapses(expression, processed_before, start) if start - e > 60]
                announced = [e for e in missed if start - e <= window]
                if announced:
                    expected[cadence] = len(announced)
            got = {c: len(json.loads(ns[0]["payload"])["periods"]) for c, ns in per_cadence.items()}
            t.check(all(len(ns) == 1 for ns in per_cadence.values()) and got == expected,
                    f"run {index + 1}: after {(start - processed_before) / 86400:.1f} days down, one catch-up notice "
                    f"per cadence, coalescing the periods within CatchUpWindowSec= ({expected})", str(got))
            t.check(not [n for n in new if n["kind"] == "occurrence" and (n["emittedAt"] - n["dueAt"]) > 60e6],
                    f"run {index + 1}: no late occurrence announced one by one (no storm)")
        processed_before = through
    notices_before = len(notices)

# --- The whole scenario
occurrences = ledger_rows("SELECT cadence, effectiveAt FROM occurrence")
for cadence, expression_period in scenario["cadences"].items():
    got = sorted(r["effectiveAt"] / 1e6 for r in occurrences if r["cadence"] == cadence)
    # Every period here has one elapse, so each elapse is an occurrence whatever Period= says.
    expected = sorted(set(owed[cadence]))
    # Where a wall time occurs twice, the daemon finds the next elapse after the instant it last
    # processed, like systemd from its base time: a wake-up inside the repeated hour (a late one,
    # at a high speed-up on a loaded machine) moves that base into the second pass, whose wall
    # times systemd's chain from the previous elapse skips. There each wall time still fires at
    # most once; everywhere else the instants must be exactly systemd's.
    extra = [g for g in got if g not in expected and g not in optional[cadence] and not repeated_wall_time(g)]
    missing = [e for e in expected if e not in got]
    walls = [wall_time(g) for g in got]
    t.check(not extra and not missing and len(walls) == len(set(walls)),
            f"{cadence} ({expression_period[0]}): fired at the {len(expected)} instants "
            "systemd-analyze gives, none missing, none extra, no wall time twice",
            f"extra {[time.strftime('%m-%d %H:%M:%S', time.gmtime(g)) for g in extra][:12]}, "
            f"missing {[time.strftime('%m-%d %H:%M:%S', time.gmtime(e)) for e in missing][:12]}")
for prefix in scenario.get("files", []):
    found = any(os.path.relpath(os.path.join(d, f), os.path.join(state, "notices")).startswith(prefix)
                for d, _, names in os.walk(os.path.join(state, "notices")) for f in names)
    t.check(found, f"a notice file is dated in {zone}: {prefix}…")
if scenario.get("items"):
    stages = ledger_rows("SELECT itemId, stage, noticeKey FROM itemStage")
    items = ledger_rows("SELECT id, deadlineAt FROM rectificationItem")
    end = processed_before
    for item in items:
        recorded = {s["stage"] for s in stages if s["itemId"] == item["id"]}
        overdue = ledger_rows(f"SELECT dueAt, emittedAt FROM notice WHERE key = 'item/{item['id']}/overdue'")
        t.check(overdue and overdue[0]["dueAt"] == item["deadlineAt"] and overdue[0]["emittedAt"] >= item["deadlineAt"],
                f"item {item['id']}: overdue notice due at its deadline instant, not before", str(overdue))
        t.check({"overdue", "circular", "talk", "accountability"} <= recorded if item["deadlineAt"] / 1e6 + 4 * 3600 < end
                else "overdue" in recorded, f"item {item['id']}: its stages are recorded", str(sorted(recorded)))
audit = harness.audit_notices(state)
harness.check_notice_audit(t, audit, name)
t.figures.update({"notices": audit["notices"], "occurrences": len(occurrences), "runs": len(runs)})
journald.stop()
t.finish()

#!/usr/bin/env bash
# End-to-end test of the installed service: builds the release binaries (make; nothing is
# rebuilt when nothing changed; in .build-system-test), boots a real systemd in a private namespace
# (scripts/systemd-ns: the machine's /tmp, /etc, /usr, /var, /home and /root are not touched), runs
# `make install PREFIX=/usr` there and drives cadenced.service with systemctl.
#
#   Tests/system/service-test.sh        prints "ok - ..." / "not ok - ..." per check, then
#                                       "N passed, M failed"; exit status 1 when M > 0
#
# Root only: prints "SKIP: reason" and exits 0 without root, unshare/nsenter or systemd.
# To add a check, write a function check_NAME that returns 0 on success (print details for a
# failure with `diag`), and add `check "description" check_NAME` in main at its place.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NS=$ROOT/scripts/systemd-ns
UNIT=cadenced.service
TEST_CADENCE=every-3s
MAX_EXPOSURE=1.0
DELIVER_UNIT=cadenced-deliver.service
MAX_DELIVER_EXPOSURE=2.0
# A scratch path of its own: under `swift test`, SwiftPM holds the lock of .build while the tests
# run, so a `swift build` there would wait forever. make rebuilds only when sources changed.
SCRATCH=${CADENCED_TEST_SCRATCH:-$ROOT/.build-system-test}
STARTED=$SECONDS

passed=0
failed=0
NS_PID=""
MARKER=""

# skip, diag
. "$ROOT/Tests/system/lib.sh"

# check DESCRIPTION FUNCTION [ARGS...]: runs one check, counts it and returns its status.
check() {
    local description=$1
    shift
    if "$@"; then
        echo "ok - $description"
        passed=$((passed + 1))
    else
        echo "not ok - $description"
        failed=$((failed + 1))
        # Every later check talks to the service: with it down they would only fail slowly, each
        # call waiting out its timeout. Say where it stands and stop here.
        if [ -n "$NS_PID" ] && [ "$checks_need_service" = 1 ] && ! service_up; then
            echo "not ok - $UNIT is not running ($(show ActiveState)/$(show SubState)): the remaining checks are not run"
            failed=$((failed + 1))
            unit_status | diag
            echo "$passed passed, $failed failed"
            exit 1
        fi
        return 1
    fi
}

# Set once the service has been started: from then on a failed check with the service down ends the run.
checks_need_service=0
service_up() { [ "$(show ActiveState)" = active ]; }

# Every command inside ends within CALL_LIMIT seconds: a call that blocks (a daemon restarting in a
# loop behind its socket) fails its check instead of hanging the run. timeout kills its process
# group, nsenter's child included.
CALL_LIMIT=${CADENCED_TEST_CALL_LIMIT:-180}
in_ns() { timeout -k 5 "$CALL_LIMIT" "$NS" exec "$NS_PID" "$@"; }
show() { in_ns systemctl show "$UNIT" -p "$1" --value; }

# Polls COMMAND... every 0.2 s until it succeeds or SECONDS_ pass.
eventually() {
    local timeout=$1 deadline
    shift
    deadline=$(($(date +%s%N) + timeout * 1000000000))
    while [ "$(date +%s%N)" -lt "$deadline" ]; do
        "$@" && return 0
        sleep 0.2
    done
    "$@"
}

# The cursor of the newest journal entry, to look only at what comes after it.
journal_cursor() { in_ns journalctl -n 1 -o export -q | sed -n 's/^__CURSOR=//p'; }
journal_since() { in_ns journalctl -u "$UNIT" -o cat -q --no-pager --after-cursor="$1"; }
journal_has() { journal_since "$1" | grep -q -- "$2"; }

is_active() { [ "$(show ActiveState)" = active ] && [ "$(show SubState)" = running ]; }

unit_status() {
    in_ns systemctl status "$UNIT" --no-pager -n 0 2>&1
    in_ns journalctl -u "$UNIT" -o short-monotonic -q --no-pager -n 15
}

cleanup() {
    if [ -n "$NS_PID" ]; then "$NS" stop "$NS_PID" || true; fi
    NS_PID=""
    if [ -n "$MARKER" ]; then rm -f "$MARKER"; fi
}

# --- Setup

build() {
    local log
    if ! log=$(make -C "$ROOT" SCRATCH_PATH="$SCRATCH" 2>&1); then
        echo "$log" | tail -30 | diag
        return 1
    fi
    echo "$log" | grep -q "Nothing to be done" && echo "# release binaries up to date"
    return 0
}

boot() {
    NS_PID=$("$NS" start) || return 1
    echo "# systemd booted in a private namespace, PID $NS_PID"
}

install_in_ns() {
    local log
    if ! log=$(in_ns make -C "$ROOT" SCRATCH_PATH="$SCRATCH" install PREFIX=/usr 2>&1); then
        echo "$log" | tail -20 | diag
        return 1
    fi
    in_ns systemd-sysusers >/dev/null 2>&1 &&
        in_ns systemd-tmpfiles --create cadenced.conf &&
        in_ns groupadd -f cadence-admins &&
        in_ns sh -c "printf '%s\n' '[Daemon]' 'AdminGroup=cadence-admins' >/etc/cadenced/cadenced.conf.d/50-admins.conf" &&
        in_ns systemctl daemon-reload &&
        in_ns sh -c "printf '%s\n' '[Cadence]' 'OnCalendar=*:*:0/3' 'Kind=reminder' 'Period=occurrence' \
            'Description=System test: due every three seconds' >/etc/cadenced/cadences.d/$TEST_CADENCE.cadence"
}

# --- Checks

check_installed_binaries() {
    local program libraries
    for program in /usr/bin/cadenced /usr/bin/cadencectl /usr/bin/cadenced-deliver; do
        libraries=$(in_ns ldd "$program") || return 1
        if echo "$libraries" | grep -Eq 'libswift|libFoundation|libdispatch|libBlocksRuntime|not found'; then
            echo "$libraries" | diag
            return 1
        fi
    done
}

check_units_verify() {
    local out
    out=$(in_ns systemd-analyze verify /usr/lib/systemd/system/cadenced.service \
        /usr/lib/systemd/system/cadenced.socket /usr/lib/systemd/system/$DELIVER_UNIT 2>&1)
    [ -z "$out" ] || { echo "$out" | diag; return 1; }
}

check_security() {
    local line score
    line=$(in_ns systemd-analyze security --offline=yes --no-pager /usr/lib/systemd/system/$UNIT | tail -1)
    score=$(echo "$line" | grep -Eo '[0-9]+\.[0-9]+' | head -1)
    echo "# exposure $score (limit $MAX_EXPOSURE): $line"
    [ -n "$score" ] && awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }'
}

check_deliver_security() {
    local line score
    line=$(in_ns systemd-analyze security --offline=yes --no-pager /usr/lib/systemd/system/$DELIVER_UNIT | tail -1)
    score=$(echo "$line" | grep -Eo '[0-9]+\.[0-9]+' | head -1)
    echo "# exposure $score (limit $MAX_DELIVER_EXPOSURE): $line"
    [ -n "$score" ] && awk -v s="$score" -v m="$MAX_DELIVER_EXPOSURE" 'BEGIN { exit !(s <= m) }'
}

# The service pair: cadenced routes an item's warning to a person of the directory, and
# cadenced-deliver.service (its own user, group cadenced-deliver) hands it to a real SMTP server
# on the namespace's loopback (Python's standard smtpd, printing what it receives).
check_delivery() {
    local port=2525 mail=/var/tmp/cadenced-test-mail.txt out user
    in_ns sh -c "rm -f $mail; nohup /usr/bin/python3 -W ignore -u -m smtpd -n -c DebuggingServer 127.0.0.1:$port \
        >$mail 2>&1 </dev/null &" || return 1
    in_ns mkdir -p /etc/cadenced/deliver.conf.d &&
        in_ns sh -c "printf '%s\n' '[Mail]' 'Relay=127.0.0.1' 'Port=$port' 'Security=none' \
        'From=Test Office <office@example.org>' '[Deliver]' 'PollSec=1s' >/etc/cadenced/deliver.conf.d/50-test.conf" ||
        return 1
    in_ns cadencectl person add p-test-north --name 'Director Chen' --unit test-north \
        --email chen.test@example.org >/dev/null || return 1
    in_ns cadencectl item add --unit test-north --title 'Fire exits' --deadline +3 >/dev/null || return 1
    in_ns systemctl start "$DELIVER_UNIT" || { in_ns systemctl status "$DELIVER_UNIT" --no-pager | diag; return 1; }
    if ! eventually 30 in_ns grep -q "To: Director Chen <chen.test@example.org>" $mail; then
        in_ns cat $mail | tail -20 | diag
        in_ns journalctl -u "$DELIVER_UNIT" -o cat --no-pager -n 20 | diag
        return 1
    fi
    eventually 10 sh -c "'$NS' exec $NS_PID cadencectl deliveries --state sent | grep -q 'Director Chen'" ||
        { in_ns cadencectl deliveries | diag; return 1; }
    out=$(in_ns grep -c 'Message-ID: <' $mail)
    echo "# messages received: $out"
    [ "$out" = 1 ] || return 1
    local pid
    pid=$(in_ns systemctl show "$DELIVER_UNIT" -p MainPID --value)
    user=$(in_ns ps -o user= -p "$pid")
    echo "# cadenced-deliver runs as $user"
    [ "$user" = cadenced-deliver ] || return 1
    # Group cadenced opens the socket, but the ledger's directory is not in the service's view
    # (InaccessiblePaths= puts an empty, mode 000 node there: the ledger is not in it).
    if ! in_ns test -e /var/lib/cadenced/ledger.sqlite ||
        in_ns nsenter -t "$pid" -m test -e /var/lib/cadenced/ledger.sqlite; then
        echo "the delivery service sees /var/lib/cadenced" | diag
        return 1
    fi
    in_ns systemctl stop "$DELIVER_UNIT"
}

# Whether a service of a static user can read its LoadCredential= here (a oneshot probe unit).
credentials_readable() {
    in_ns sh -c "echo probe >/etc/cadenced/credentials/probe && chmod 0600 /etc/cadenced/credentials/probe &&
        printf '%s\n' '[Service]' 'Type=oneshot' 'User=cadenced-deliver' \
            'LoadCredential=probe:/etc/cadenced/credentials/probe' \
            'ExecStart=/bin/sh -c \"cat \$\$CREDENTIALS_DIRECTORY/probe\"' >/etc/systemd/system/cadenced-probe.service &&
        systemctl daemon-reload && systemctl start cadenced-probe.service" >/dev/null 2>&1
    local status=$?
    in_ns sh -c "rm -f /etc/systemd/system/cadenced-probe.service /etc/cadenced/credentials/probe; systemctl daemon-reload"
    return $status
}

# A chat group's robot under the real service pair: robots.d routes test-north's warnings to it,
# cadenced-deliver.service reads its webhook and secret from a systemd credential
# (LoadCredential=), verifies the stand-in's certificate against CAFile= and posts, signed; the
# stand-in (Tests/delivery/robot-sink.py, Python's standard library) checks the signature.
check_robot() {
    local dir=/var/tmp/cadenced-test-robot sink_pid ok=0
    in_ns sh -c "rm -rf $dir && mkdir -p $dir && cd $dir &&
        printf 'subjectAltName=DNS:localhost\n' >ext &&
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=Invented Test CA' -keyout ca.key -out ca.pem &&
        openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout robot.key -out robot.csr &&
        openssl x509 -req -in robot.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext -out robot.pem &&
        install -m 0644 ca.pem /etc/cadenced/robot-test-ca.pem" >/dev/null 2>&1 || { echo "openssl failed" | diag; return 1; }
    in_ns sh -c "nohup /usr/bin/python3 -u '$ROOT/Tests/delivery/robot-sink.py' $dir/posts $dir/port $dir/robot.pem \
        $dir/robot.key --secret SECinvented0test >$dir/sink.log 2>&1 </dev/null & echo \$! >$dir/pid" || return 1
    eventually 20 in_ns test -s $dir/port || { in_ns cat $dir/sink.log | diag; return 1; }
    local port
    port=$(in_ns cat $dir/port)
    in_ns sh -c "mkdir -p /etc/cadenced/robots.d /etc/cadenced/credentials &&
        printf '%s\n' '[Robot]' 'Description=Test North group' 'Channel=dingtalk' 'Units=test-north' 'Kinds=deadline-warning' \
            >/etc/cadenced/robots.d/test-north-group.robot &&
        printf '%s\n' 'https://localhost:$port/robot/send?access_token=tok-test' SECinvented0test \
            >/etc/cadenced/credentials/robot-test-north-group && chmod 0600 /etc/cadenced/credentials/robot-test-north-group &&
        printf '%s\n' '[Robots]' 'CAFile=/etc/cadenced/robot-test-ca.pem' >/etc/cadenced/deliver.conf.d/60-robot.conf &&
        mkdir -p /etc/systemd/system/$DELIVER_UNIT.d" || return 1
    # LoadCredential= as an office sets it. Where this namespaced systemd cannot make a credential
    # readable by a service's user (its credential directory needs ACLs the namespace's file
    # systems lack: a probe unit says), the same files are given by CREDENTIALS_DIRECTORY= instead.
    local dropin
    if credentials_readable; then
        dropin="LoadCredential=robot-test-north-group:/etc/cadenced/credentials/robot-test-north-group"
    else
        echo "# LoadCredential= is not readable by a service user in this namespace; CREDENTIALS_DIRECTORY= instead"
        in_ns sh -c "mkdir -p /etc/cadenced/test-credentials && cp /etc/cadenced/credentials/robot-test-north-group \
            /etc/cadenced/test-credentials/ && chown -R cadenced-deliver: /etc/cadenced/test-credentials &&
            chmod -R go= /etc/cadenced/test-credentials" || return 1
        dropin="Environment=CREDENTIALS_DIRECTORY=/etc/cadenced/test-credentials"
    fi
    in_ns sh -c "printf '%s\n' '[Service]' '$dropin' >/etc/systemd/system/$DELIVER_UNIT.d/50-robot.conf" &&
        in_ns systemctl daemon-reload && in_ns systemctl reload "$UNIT" || { unit_status | diag; return 1; }
    in_ns cadencectl item add --unit test-north --title 'Robot test: guard rail' --deadline +3 >/dev/null || return 1
    in_ns systemctl start "$DELIVER_UNIT" || { in_ns systemctl status "$DELIVER_UNIT" --no-pager | diag; return 1; }
    if eventually 30 in_ns grep -q 'Robot test: guard rail' $dir/posts/posts.jsonl; then
        echo "# the robot's post: $(in_ns grep -c dingtalk $dir/posts/posts.jsonl) post(s), signature verified by the stand-in"
    else
        in_ns sh -c "cat $dir/sink.log $dir/posts/refused.jsonl 2>/dev/null" | tail -5 | diag
        in_ns journalctl -u "$DELIVER_UNIT" -o cat --no-pager -n 10 | diag
        ok=1
    fi
    eventually 10 sh -c "'$NS' exec $NS_PID cadencectl deliveries --state sent | grep -q 'Test North group'" ||
        { in_ns cadencectl deliveries | diag; ok=1; }
    if in_ns journalctl -u "$DELIVER_UNIT" -o cat --no-pager | grep -q -e tok-test -e SECinvented0test; then
        echo "the robot's token or secret is in the service's log" | diag
        ok=1
    fi
    in_ns systemctl stop "$DELIVER_UNIT"
    sink_pid=$(in_ns cat $dir/pid)
    [ -n "$sink_pid" ] && in_ns kill -9 "$sink_pid"
    return $ok
}

# A month-end burst: 20,000 items imported at once, each with its warning due, with journald's own
# rate limit set low (RateLimitBurst=1000, as on a machine with little free disk; here free space
# would multiply the default). The unit's LogRateLimitBurst= keeps every entry: 20,000, each once.
check_journal_burst() {
    local count=20000 cursor got suppressed
    in_ns mkdir -p /etc/systemd/journald.conf.d &&
        in_ns sh -c "printf '%s\n' '[Journal]' 'RateLimitIntervalSec=30s' 'RateLimitBurst=1000' \
            >/etc/systemd/journald.conf.d/50-test-low-limit.conf" &&
        in_ns systemctl restart systemd-journald || return 1
    in_ns cadencectl units add burst --name 'Burst Unit' --kind county-bureau >/dev/null || return 1
    in_ns sh -c "{ echo unit,title,deadline,first; i=0; while [ \$i -lt $count ]; do i=\$((i + 1)); \
        echo burst,Burst item \$i,+3,Burst Lead; done; } >/var/tmp/burst.csv" || return 1
    cursor=$(journal_cursor)
    in_ns cadencectl import items /var/tmp/burst.csv >/dev/null || { unit_status | diag; return 1; }
    burst_count() {
        # All of the unit's entries (it is new): an --after-cursor taken just before may leave out
        # the first one, which journald can order before that cursor.
        got=$(in_ns journalctl -q --no-pager -o export CADENCED_UNIT=burst |
            grep -a -c '^CADENCED_NOTICE_ID=')
        [ "$got" -ge "$count" ]
    }
    eventually 180 burst_count
    suppressed=$(in_ns journalctl -q --no-pager --after-cursor="$cursor" -o cat | grep -c "Suppressed .* messages from cadenced")
    echo "# journal entries of the burst: $got of $count; journald's 'Suppressed' lines: $suppressed"
    if [ "$got" != "$count" ]; then
        echo "ledger: $(ledger "SELECT COUNT(*), SUM(journalSent) FROM notice WHERE json_extract(payload, '\$.unit') = 'burst'")" | diag
        journal_since "$cursor" | grep -v '^Notice' | tail -5 | diag
    fi
    [ "$got" = "$count" ] && [ "$suppressed" = 0 ]
}

check_start_ready() {
    in_ns systemctl start "$UNIT" || { unit_status | diag; return 1; }
    local state status
    state=$(in_ns systemctl show "$UNIT" -p ActiveState -p SubState -p StatusText | tr '\n' ' ')
    status=$(show StatusText)
    echo "# $state"
    is_active && [[ $status == Next:* ]] || { unit_status | diag; return 1; }
}

check_socket() {
    [ "$(in_ns systemctl is-active cadenced.socket)" = active ] || return 1
    local mode
    mode=$(in_ns stat -c '%F %a %U:%G' /run/cadenced/io.cadenced) || return 1
    [ "$mode" = "socket 660 root:cadenced" ] || { echo "io.cadenced: $mode" | diag; return 1; }
}

check_sandboxed() {
    local pid status ok=0
    pid=$(show MainPID)
    status=$(in_ns cat "/proc/$pid/status") || return 1
    echo "$status" | grep -Eq '^NoNewPrivs:[[:space:]]+1$' || ok=1
    echo "$status" | grep -Eq '^Seccomp:[[:space:]]+2$' || ok=1
    echo "$status" | grep -Eq '^CapEff:[[:space:]]+0+$' || ok=1
    [ "$(in_ns stat -c '%U:%G %a' /var/lib/cadenced)" = "cadenced:cadenced 750" ] || ok=1
    [ "$(in_ns ps -o user= -p "$pid")" = cadenced ] || ok=1
    [ $ok -eq 0 ] || echo "$status" | grep -E '^(Uid|NoNewPrivs|Seccomp|CapEff)' | diag
    return $ok
}

notice_entries() { in_ns journalctl -q --no-pager -o json "CADENCED_CADENCE=$TEST_CADENCE" "$@"; }
has_notice_entry() { [ -n "$(notice_entries -n 1)" ]; }

# A notice of the test cadence reaches the journal as a structured entry (MESSAGE_ID, PRIORITY,
# CADENCED_* fields, explained by the installed catalog) and a Markdown file under the state directory.
check_notice_journal_and_file() {
    eventually 10 has_notice_entry || { unit_status | diag; return 1; }
    local entry file
    entry=$(notice_entries -n 1)
    echo "$entry" | python3 -c '
import json, sys
e = json.loads(sys.stdin.readline())
assert e["MESSAGE_ID"] == "2fdbcbee8e244916bf72ad53adfe114d", e["MESSAGE_ID"]
assert e["PRIORITY"] == "5" and e["CADENCED_KIND"] == "occurrence" and e["SYSLOG_IDENTIFIER"] == "cadenced", e
assert e["_SYSTEMD_UNIT"] == "cadenced.service", e.get("_SYSTEMD_UNIT")
print("#", e["CADENCED_PERIOD"], e["CADENCED_NOTICE_FILE"])
' || { echo "$entry" | diag; return 1; }
    file=$(echo "$entry" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["CADENCED_NOTICE_FILE"])')
    in_ns test -s "/var/lib/cadenced/notices/$file" || { echo "no notice file $file" | diag; return 1; }
    in_ns head -1 "/var/lib/cadenced/notices/$file" | diag
    # journalctl -x explains it from the installed catalog.
    in_ns journalctl -q --no-pager -x -n 1 "CADENCED_CADENCE=$TEST_CADENCE" | grep -q "reached its occurrence" ||
        { in_ns journalctl -q --no-pager -x -n 1 "CADENCED_CADENCE=$TEST_CADENCE" | diag; return 1; }
}

ledger() { in_ns runuser -u cadenced -- sqlite3 /var/lib/cadenced/ledger.sqlite "$@"; }
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# Units and roles over the socket systemd passes: an item needs a known unit and a first
# responsible person (the unit's role 'first' here); an unknown unit is exit 3.
check_units_over_socket() {
    local out status first
    in_ns cadencectl units add city --name '示例市卫生局' --kind bureau >/dev/null &&
        in_ns cadencectl units add test-north --name 'Unit Test-North' --kind county-bureau --parent city \
            >/dev/null &&
        in_ns cadencectl role assign test-north first 'Director Chen' >/dev/null || { unit_status | diag; return 1; }
    out=$(in_ns cadencectl units list --json) || return 1
    echo "$out" | python3 -c '
import json, sys
units = {u["id"]: u for u in map(json.loads, sys.stdin)}
assert units["test-north"]["parent"] == "city" and units["test-north"]["quota"] == 4, units
assert units["city"]["name"] == "示例市卫生局", units
' || { echo "$out" | diag; return 1; }
    out=$(in_ns cadencectl item add --unit no-such-unit --title T --deadline 2099-01-01 2>&1); status=$?
    echo "# unknown unit: exit $status: $out"
    [ $status = 3 ] || return 1
    first=$(in_ns cadencectl item add --unit test-north --title 'Roster' --deadline 2099-01-01 --json |
        json_field firstPerson) || return 1
    echo "# first responsible person from the unit's role: $first"
    [ "$first" = 'Director Chen' ]
}

# An item added with cadencectl (over the socket systemd passes) whose deadline passes while the
# service runs gets its overdue notice at that instant.
check_item_overdue_at_instant() {
    local deadline_iso deadline id
    deadline=$(($(date +%s) + 6))
    deadline_iso=$(date -u -d "@$deadline" +%Y-%m-%dT%H:%M:%SZ)
    id=$(in_ns cadencectl item add --unit test-north --title 'Fix the duty roster' \
        --deadline "$deadline_iso" --json | json_field id) ||
        { unit_status | diag; return 1; }
    eventually 15 has_item_entry "$id" overdue || { unit_status | diag; return 1; }
    local at
    at=$(in_ns journalctl -q --no-pager -o json "CADENCED_ITEM=$id" CADENCED_KIND=overdue | head -1 |
        python3 -c 'import json,sys; e=json.loads(sys.stdin.readline()); print(e["__REALTIME_TIMESTAMP"], e["PRIORITY"])')
    local realtime=${at% *} priority=${at#* }
    local late_ms=$(((realtime - deadline * 1000000) / 1000))
    echo "# item $id: overdue entry ${late_ms} ms after its deadline, PRIORITY=$priority"
    [ "$priority" = 4 ] && [ "$late_ms" -ge 0 ] && [ "$late_ms" -lt 2000 ]
}

# Real distinct users: a stranger cannot reach the socket, a reader (group cadenced) may read but
# not write, a member of AdminGroup= may write; the history names who changed what.
check_authorization() {
    in_ns sh -c 'id stranger >/dev/null 2>&1 || useradd --no-create-home stranger' &&
        in_ns sh -c 'id reader >/dev/null 2>&1 || useradd --no-create-home -G cadenced reader' &&
        in_ns sh -c 'id officer >/dev/null 2>&1 || useradd --no-create-home -G cadenced,cadence-admins officer' &&
        in_ns sh -c 'id adminonly >/dev/null 2>&1 || useradd --no-create-home -G cadence-admins adminonly' ||
        return 1
    local out status ok=0
    # The socket's 0660 refuses them before the daemon sees them: permission denied (77), naming
    # the group that would let them in, for an outsider and for an admin not in group cadenced.
    for user in stranger adminonly; do
        out=$(in_ns runuser -u "$user" -- cadencectl status 2>&1); status=$?
        echo "# $user: exit $status: $out"
        [ $status = 77 ] && [[ $out == *"group 'cadenced'"* ]] || ok=1
    done
    out=$(in_ns runuser -u reader -- cadencectl status 2>&1); status=$?
    [ $status = 0 ] || { echo "# reader status: exit $status: $out"; ok=1; }
    out=$(in_ns runuser -u reader -- cadencectl units list 2>&1); status=$?
    [ $status = 0 ] && [[ $out == *test-north* ]] || { echo "# reader listing units: exit $status: $out"; ok=1; }
    out=$(in_ns runuser -u reader -- cadencectl item add --unit test-north --title T --deadline 2099-01-01 2>&1)
    status=$?
    echo "# reader adding: exit $status: $out"
    [ $status = 77 ] || ok=1
    out=$(in_ns runuser -u reader -- cadencectl units add unit-reader --name 'Unit Reader' --kind other 2>&1)
    status=$?
    [ $status = 77 ] || { echo "# reader adding a unit: exit $status: $out"; ok=1; }
    out=$(in_ns runuser -u officer -- cadencectl units add unit-officer --name 'Unit Officer' --kind other \
        --parent city 2>&1) && out=$(in_ns runuser -u officer -- cadencectl item add --unit unit-officer --title T \
        --deadline 2099-01-01 --first 'Director Officer' 2>&1)
    status=$?
    echo "# officer adding a unit and an item: exit $status: $out"
    [ $status = 0 ] || ok=1
    local who
    who=$(ledger "SELECT group_concat(user || ' ' || action, ', ') FROM historyEntry WHERE unit = 'unit-officer';")
    echo "# history of unit-officer: $who"
    [ "$who" = "officer unit.add, officer item.add" ] || ok=1
    return $ok
}

# Behind the socket's 0660: the daemon's own check (SO_PEERCRED). With the socket opened to everyone
# for a moment, a stranger reaches the daemon and is refused reading and writing alike (exit 77).
# The state directory (0750, files 0640) lets the group read the notices, nobody else, and the
# ledger file is written by the daemon only.
check_authorization_behind_the_socket() {
    local out status ok=0 socket=/run/cadenced/io.cadenced refused=0
    in_ns chmod 0666 "$socket" || return 1
    for command in "status" "units list" "item list" "notices" "units add unit-stranger --name Stranger --kind other" \
        "item add --unit test-north --title T --deadline 2099-01-01"; do
        # shellcheck disable=SC2086 # the words of the command
        out=$(in_ns runuser -u stranger -- cadencectl $command 2>&1)
        status=$?
        if [ $status = 77 ]; then refused=$((refused + 1)); else
            echo "# stranger, socket open: cadencectl $command: exit $status: $out"
            ok=1
        fi
    done
    echo "# stranger through the open socket: $refused of 6 commands refused (exit 77): $out"
    in_ns chmod 0660 "$socket"
    [ "$(in_ns stat -c %a "$socket")" = 660 ] || ok=1
    [ "$(ledger "SELECT COUNT(*) FROM unit WHERE id = 'unit-stranger';")" = 0 ] || { echo "# the stranger's unit exists"; ok=1; }
    if in_ns runuser -u stranger -- cat /var/lib/cadenced/notices/index.jsonl >/dev/null 2>&1; then
        echo "# a stranger reads the notice index"
        ok=1
    fi
    if in_ns runuser -u stranger -- sqlite3 -readonly /var/lib/cadenced/ledger.sqlite 'SELECT 1' >/dev/null 2>&1; then
        echo "# a stranger reads the ledger"
        ok=1
    fi
    in_ns runuser -u reader -- cat /var/lib/cadenced/notices/index.jsonl >/dev/null ||
        { echo "# a reader (group cadenced) cannot read the notice index"; ok=1; }
    if in_ns runuser -u reader -- sqlite3 /var/lib/cadenced/ledger.sqlite \
        "INSERT INTO daemonState (key, value) VALUES ('reader', 'x')" >/dev/null 2>&1; then
        echo "# a reader wrote into the ledger file"
        ok=1
    fi
    return $ok
}

# The lifecycle over the socket with real users: closing needs the item rectified first, and its
# verifier (by default the caller's user name) must not be its direct responsible person.
check_item_lifecycle() {
    local id out status ok=0
    id=$(in_ns runuser -u officer -- cadencectl item add --unit unit-officer --title 'Duty roster not posted' \
        --deadline 2099-03-31 --first 'Director Officer' --direct officer --json | json_field id) || return 1
    out=$(in_ns runuser -u officer -- cadencectl item close "$id" 2>&1); status=$?
    echo "# close before rectified: exit $status: $out"
    [ $status = 1 ] && [[ $out == *"rectified first"* ]] || ok=1
    in_ns runuser -u officer -- cadencectl item rectified "$id" --note 'posted' >/dev/null || ok=1
    out=$(in_ns runuser -u officer -- cadencectl item verify "$id" 2>&1); status=$?
    echo "# officer, its direct responsible person, verifying: exit $status: $out"
    [ $status = 1 ] && [[ $out == *"direct responsible person"* ]] || ok=1
    out=$(in_ns runuser -u reader -- cadencectl item verify "$id" --by 'Inspector Li' 2>&1); status=$?
    [ $status = 77 ] || { echo "# reader verifying: exit $status: $out"; ok=1; }
    out=$(in_ns cadencectl item verify "$id" --json | json_field verifiedBy) || ok=1
    echo "# verified by: $out"
    [ "$out" = root ] || ok=1
    out=$(ledger "SELECT group_concat(user || ' ' || action, ', ') FROM historyEntry WHERE itemId = $id;")
    echo "# history of item $id: $out"
    [ "$out" = "officer item.add, officer item.rectified, root item.verify" ] || ok=1
    return $ok
}
# An office's first day with its own sheet: a GB18030 ledger (as Excel on Chinese Windows saves
# it) imported twice adds its items once; verifying "as @direct" is refused for the item whose
# direct responsible person holds that role; the verifier is the officer's account.
check_first_day_sheet() {
    local sheet=/tmp/first-day.csv out status ok=0 items_before items_after id
    in_ns sh -c "printf '%s\n' '序号,单位,问题,整改时限,第一责任人,直接责任人' \
        '1,unit-officer,值班表未公示,2099-10-31,Director Officer,@direct' \
        '2,unit-officer,消防通道堵塞,2099-11-30,Director Officer,' | iconv -f UTF-8 -t GB18030 >$sheet &&
        chmod 0644 $sheet" || return 1
    in_ns runuser -u officer -- cadencectl role assign unit-officer direct 'Section Chief Zhao' >/dev/null || return 1
    items_before=$(in_ns cadencectl status --json | json_field items)
    out=$(in_ns runuser -u officer -- cadencectl import items "$sheet" 2>&1) || { echo "# $out"; return 1; }
    echo "# first import: $out"
    out=$(in_ns runuser -u officer -- cadencectl import items "$sheet" 2>&1) || { echo "# $out"; return 1; }
    echo "# second import: $out"
    items_after=$(in_ns cadencectl status --json | json_field items)
    [ $((items_after - items_before)) = 2 ] || { echo "# items $items_before -> $items_after"; ok=1; }
    [[ $out == *"2 rows are already in the ledger"* ]] || ok=1
    id=$(in_ns cadencectl item list --unit unit-officer --json | python3 -c '
import json, sys
print([json.loads(l)["id"] for l in sys.stdin if json.loads(l)["title"] == "值班表未公示"][0])') || return 1
    in_ns runuser -u officer -- cadencectl item rectified "$id" >/dev/null || ok=1
    out=$(in_ns runuser -u officer -- cadencectl item verify "$id" --by @direct 2>&1); status=$?
    echo "# verify --by @direct: exit $status: $out"
    [ $status = 1 ] && [[ $out == *"Section Chief Zhao"*"direct responsible person"* ]] || ok=1
    out=$(in_ns cadencectl item show "$id")
    [[ $out == *2099-10-31* ]] && [[ $out != *2099-11-01* ]] || { echo "# item show: $out"; ok=1; }
    return $ok
}

has_item_entry() { [ -n "$(in_ns journalctl -q --no-pager -o cat "CADENCED_ITEM=$1" "CADENCED_KIND=$2" -n 1)" ]; }

# Every notice in the ledger is in the journal exactly once and has exactly one file and one
# index line, after restarts and kill -9.
check_no_duplicates() {
    in_ns systemctl stop "$UNIT" || return 1
    local ledger_count journal_total journal_distinct files index
    ledger_count=$(ledger "SELECT COUNT(*) FROM notice;")
    journal_total=$(in_ns journalctl -q --no-pager -o export SYSLOG_IDENTIFIER=cadenced |
        grep -a -c '^CADENCED_NOTICE_ID=')
    journal_distinct=$(in_ns journalctl -q --no-pager -o export SYSLOG_IDENTIFIER=cadenced |
        grep -a '^CADENCED_NOTICE_ID=' | sort -u | wc -l)
    files=$(in_ns find /var/lib/cadenced/notices -name '*.md' | wc -l)
    index=$(in_ns sh -c 'wc -l </var/lib/cadenced/notices/index.jsonl')
    echo "# notices: ledger $ledger_count, journal $journal_total ($journal_distinct distinct), files $files, index $index"
    in_ns systemctl start "$UNIT" || return 1
    [ "$ledger_count" -gt 0 ] && [ "$journal_total" = "$ledger_count" ] && [ "$journal_distinct" = "$ledger_count" ] &&
        [ "$files" = "$ledger_count" ] && [ "$index" = "$ledger_count" ]
}

# systemctl reload with a broken cadence file fails (ExecReload= runs --check-config first) and the
# admin sees the file:line error in systemctl status; the running daemon is untouched.
# The service's own log lines: each notice once (its journal entry), not again as a "Notice …" log
# line; the control socket named where systemd put it; libdispatch's "Failed to set thread
# priority" at most once per start: libdispatch's manager thread asks for a raised priority,
# which needs CAP_SYS_NICE; its worker threads, which come and go with events, may set theirs.
check_journal_lines() {
    local lines notices priority socket starts
    lines=$(in_ns journalctl -q --no-pager -u "$UNIT" -o cat)
    notices=$(grep -c '^Notice ' <<<"$lines")
    priority=$(grep -c 'Failed to set thread priority' <<<"$lines")
    starts=$(grep -c 'Control socket ready' <<<"$lines")
    socket=$(grep 'Control socket ready' <<<"$lines" | sort -u)
    echo "# log lines: $(wc -l <<<"$lines"); 'Notice …' lines $notices; thread priority $priority in $starts starts; $socket"
    [ "$notices" = 0 ] && [ "$priority" -le "$starts" ] &&
        [ "$socket" = "Control socket ready at /run/cadenced/io.cadenced (from systemd)" ]
}

check_reload_broken_refused() {
    local pid out
    pid=$(show MainPID)
    in_ns sh -c "printf '%s\n' '[Cadence]' 'OnCalendar=not a calendar' 'Kind=reminder' 'Period=month' \
        >/etc/cadenced/cadences.d/broken.cadence" || return 1
    if out=$(in_ns systemctl reload "$UNIT" 2>&1); then
        echo "systemctl reload succeeded with a broken cadence file" | diag
        return 1
    fi
    echo "# systemctl reload: $out"
    out=$(in_ns systemctl status "$UNIT" --no-pager -n 20 2>&1)
    grep -q "broken.cadence:2: OnCalendar= 'not a calendar'" <<<"$out" || { unit_status | diag; return 1; }
    is_active && [ "$(show MainPID)" = "$pid" ] || { unit_status | diag; return 1; }
}

status_next() { [[ $(show StatusText) == Next:* ]]; }
refused_entry() {
    # Read it whole first: grep -q would end the pipe early, and pipefail turn that into a failure.
    # No match with --after-cursor: journalctl 252 finds nothing when the cursor's own entry does
    # not match; filter the entries after the cursor here instead.
    local entries
    entries=$(in_ns journalctl -q --no-pager -o json --after-cursor="$1")
    python3 -c '
import json, sys
sys.exit(0 if any(e.get("CADENCED_KIND") == "configuration-refused" and e.get("PRIORITY") == "3"
                  for e in map(json.loads, sys.stdin)) else 1)' <<<"$entries"
}
status_on_last_good() { [[ $(show StatusText) == "Running on the last good configuration: errors in "* ]]; }

# The broken file is still there when the daemon dies: the restart runs on the last good copy,
# says so in STATUS= and as a configuration-refused notice (PRIORITY=3), and read-only commands work.
check_kill9_runs_on_last_good() {
    local pid cursor entries
    cursor=$(journal_cursor)
    pid=$(show MainPID)
    in_ns kill -9 "$pid" || return 1
    eventually 10 main_pid_replaced "$pid" || { unit_status | diag; return 1; }
    eventually 5 status_on_last_good || { show StatusText | diag; unit_status | diag; return 1; }
    echo "# StatusText=$(show StatusText)"
    in_ns runuser -u cadenced -- cadencectl overdue >/dev/null || { unit_status | diag; return 1; }
    eventually 10 refused_entry "$cursor" || {
        echo "no configuration-refused entry at PRIORITY=3 after $cursor" | diag
        in_ns journalctl -q --no-pager -o json --after-cursor="$cursor" -t cadenced | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    print(e.get("CADENCED_KIND"), e.get("PRIORITY"), e.get("MESSAGE", "")[:50])' | tail -8 | diag
        return 1
    }
    entries=$(in_ns journalctl -q --no-pager -x -n 1 CADENCED_KIND=configuration-refused)
    grep -q "last configuration it ran" <<<"$entries" ||
        { echo "journalctl -x does not explain the entry" | diag; return 1; }
    in_ns grep -q '"kind":"configuration-refused"' /var/lib/cadenced/notices/index.jsonl ||
        { echo "no notice file" | diag; return 1; }
    in_ns rm /etc/cadenced/cadences.d/broken.cadence
}

check_reload_good() {
    local cursor
    cursor=$(journal_cursor)
    in_ns systemctl reload "$UNIT" || return 1
    eventually 5 journal_has "$cursor" "Configuration reloaded" && is_active &&
        eventually 5 status_next || { show StatusText | diag; return 1; }
}

check_restart() {
    local before after
    before=$(show MainPID)
    in_ns systemctl restart "$UNIT" || { unit_status | diag; return 1; }
    after=$(show MainPID)
    is_active && [ "$after" != "$before" ] && [[ $(show StatusText) == Next:* ]] ||
        { unit_status | diag; return 1; }
}

main_pid_replaced() {
    local pid
    pid=$(show MainPID)
    [ "$pid" != 0 ] && [ "$pid" != "$1" ] && is_active
}

check_kill9_restarts() {
    local pid restarts
    pid=$(show MainPID)
    restarts=$(show NRestarts)
    in_ns kill -9 "$pid" || return 1
    eventually 10 main_pid_replaced "$pid" || { unit_status | diag; return 1; }
    [ "$(show NRestarts)" -gt "$restarts" ] || { echo "NRestarts $(show NRestarts)" | diag; return 1; }
}

watchdog_pinged() { [ "$(show WatchdogTimestampMonotonic)" != "$1" ]; }

# The daemon sends WATCHDOG=1 at least every WatchdogSec/2 (30 s / 2): the watchdog timestamp moves.
check_watchdog_pings() {
    local armed
    [ "$(show WatchdogUSec)" = 30s ] || { echo "WatchdogUSec=$(show WatchdogUSec)" | diag; return 1; }
    armed=$(show WatchdogTimestampMonotonic)
    eventually 17 watchdog_pinged "$armed"
}

check_stop_clean() {
    in_ns systemctl stop "$UNIT" 2>&1 | diag
    [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
    local result
    result=$(in_ns systemctl show "$UNIT" -p ActiveState -p Result -p ExecMainCode -p ExecMainStatus | tr '\n' ' ')
    echo "# $result"
    [ "$(show ActiveState)" = inactive ] && [ "$(show Result)" = success ] &&
        [ "$(show ExecMainStatus)" = 0 ] || { unit_status | diag; return 1; }
}

# Commands inside run in the file system systemd booted in (its root directory, as seen from
# here through /proc/PID/root), not in the mount namespace's root, which from a chroot (a fresh
# Debian under debootstrap) is the machine's: there, systemctl is-system-running answered
# "offline" and make install would have written to the machine's /usr.
check_ns_root() {
    local inside booted
    inside=$(in_ns stat -L -c '%d:%i' /) || return 1
    booted=$(stat -L -c '%d:%i' "/proc/$NS_PID/root/") || return 1
    [ "$inside" = "$booted" ] || { echo "/ inside is $inside, systemd's root is $booted" | diag; return 1; }
}

# scripts/systemd-ns overlays /home and /root: a user made with `useradd -m` inside, and a file
# written to root's home inside, exist there and never on the machine (before /home and /root
# were overlaid, such home directories were left on the real machine).
check_homes_private() {
    local user=cadenced-ns-probe-$$ file=/root/.cadenced-ns-probe-$$ ok=0
    if [ -e "/home/$user" ] || [ -e "$file" ]; then
        echo "/home/$user or $file already exists on the machine" | diag
        return 1
    fi
    in_ns useradd -m "$user" || return 1
    in_ns test -d "/home/$user" || { echo "useradd -m made no /home/$user inside the namespace" | diag; return 1; }
    in_ns sh -c "echo probe >$file" || return 1
    if [ -e "/home/$user" ]; then
        echo "/home/$user, made by useradd -m inside the namespace, appeared on the machine (removed)" | diag
        rm -rf "/home/$user"
        ok=1
    fi
    if [ -e "$file" ]; then
        echo "$file, written inside the namespace, appeared on the machine (removed)" | diag
        rm -f "$file"
        ok=1
    fi
    if grep -q "^$user:" /etc/passwd; then
        echo "user $user, added inside the namespace, is in the machine's /etc/passwd" | diag
        ok=1
    fi
    return $ok
}

check_host_untouched() {
    local ok=0
    [ -f "$MARKER" ] || { echo "the marker $MARKER in the machine's /tmp is gone" | diag; ok=1; }
    for path in /etc/cadenced /var/lib/cadenced /usr/bin/cadenced /usr/lib/systemd/system/cadenced.service; do
        if [ -e "$path" ] && ! grep -qxF "$path" <<<"$HOST_PATHS_BEFORE"; then
            echo "$path appeared on the machine" | diag
            ok=1
        fi
    done
    return $ok
}

# --- Main

main() {
    [ "$(id -u)" -eq 0 ] || skip "needs root (boots systemd in a private namespace)"
    local tool
    for tool in unshare nsenter systemctl systemd-analyze make sqlite3 python3 runuser; do
        command -v "$tool" >/dev/null || skip "$tool not found"
    done
    [ -x /lib/systemd/systemd ] || skip "/lib/systemd/systemd not found"

    trap cleanup EXIT
    trap 'exit 130' INT TERM
    MARKER=$(mktemp /tmp/cadenced-service-test.XXXXXX)
    HOST_PATHS_BEFORE=$(for p in /etc/cadenced /var/lib/cadenced /usr/bin/cadenced \
        /usr/lib/systemd/system/cadenced.service; do [ -e "$p" ] && echo "$p"; done)

    check "release build (make)" build || return
    echo "# build done after $((SECONDS - STARTED)) s"
    check "systemd boots in a private namespace" boot || return
    check "commands inside run in systemd's root directory (a chroot's, not the machine's)" check_ns_root || return
    check "make install PREFIX=/usr, sysusers, tmpfiles, daemon-reload" install_in_ns || return
    check "useradd -m and a file in /root inside the namespace leave the machine's /home and /root alone" \
        check_homes_private
    check "installed binaries need no Swift runtime library" check_installed_binaries
    check "systemd-analyze verify of the installed units is silent" check_units_verify
    check "systemd-analyze security exposure <= $MAX_EXPOSURE" check_security
    check "systemd-analyze security exposure of $DELIVER_UNIT <= $MAX_DELIVER_EXPOSURE" check_deliver_security
    local since
    since=$(journal_cursor)
    check "start: active (running) with READY and StatusText Next:" check_start_ready
    checks_need_service=1
    check "cadenced.socket listens on /run/cadenced/io.cadenced (0660 root:cadenced)" check_socket
    check "runs as cadenced, sandboxed (NoNewPrivs, seccomp, no capabilities)" check_sandboxed
    check "a notice of $TEST_CADENCE: journal entry with MESSAGE_ID and CADENCED_* fields, catalog, file" \
        check_notice_journal_and_file
    check "systemctl reload with a broken cadence fails, shows file:line in status, keeps it running" \
        check_reload_broken_refused
    check "kill -9 with the broken cadence on disk: runs on the last good copy, says so, serves the ledger" \
        check_kill9_runs_on_last_good
    check "reload with the configuration fixed again" check_reload_good
    check "restart gives a new main process, active" check_restart
    check "kill -9 of the main process: systemd restarts it" check_kill9_restarts
    check "units and roles over the socket; an item takes its first responsible person from the unit" \
        check_units_over_socket
    check "an item's overdue notice arrives at its deadline (PRIORITY=4)" check_item_overdue_at_instant
    check "$DELIVER_UNIT (user cadenced-deliver) mails an item's warning to its person, once" check_delivery
    check "a DingTalk robot gets test-north's warning through $DELIVER_UNIT: credential, CAFile=, signature" check_robot
    check "a burst of 20,000 notices with journald's limit at 1,000: 20,000 journal entries, each once" \
        check_journal_burst
    check "stranger refused, reader reads but cannot write, admin group writes; history names the user" \
        check_authorization
    check "close needs rectified first; the direct responsible person cannot verify; history names each user" \
        check_item_lifecycle
    check "first day: a GB18030 sheet imported twice adds its items once; verifying as @direct is refused" \
        check_first_day_sheet
    check "socket opened to all: a stranger can neither read nor write; files: group reads notices, nobody else" \
        check_authorization_behind_the_socket
    check "kill -9 again, right after an occurrence" check_kill9_restarts
    check "no duplicate: each notice once in the journal, one file, one index line" check_no_duplicates
    check "the service's log: no notice twice, the socket's real path, no thread-priority noise" check_journal_lines
    # Up to 17 s; CADENCED_TEST_WATCHDOG=0 skips it.
    if [ "${CADENCED_TEST_WATCHDOG:-1}" = 1 ]; then
        check "the daemon pings the watchdog (WatchdogSec=30s)" check_watchdog_pings
    fi
    checks_need_service=0
    check "stop ends with a clean exit (status 0)" check_stop_clean
    cleanup_ns_only
    check "the machine's /tmp, /etc, /usr, /var/lib, /home and /root are untouched" check_host_untouched
}

cleanup_ns_only() {
    if [ -n "$NS_PID" ]; then "$NS" stop "$NS_PID" || true; fi
    NS_PID=""
}

main
echo "# run time $((SECONDS - STARTED)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

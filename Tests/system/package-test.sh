#!/usr/bin/env bash
# The Debian package as an administrator meets it: builds build/deb/cadenced_VERSION_amd64.deb
# (make deb, lintian included), then on a fresh Debian 12 (a debootstrap root with systemd,
# cached in $CADENCED_DEBIAN_ROOT, default ~/.cache/cadenced/debian-12-systemd) booted as a
# namespaced systemd (scripts/systemd-ns: nothing of the machine is touched; the root itself is
# overlaid, so every run starts from the same fresh system):
#
#   apt install ./cadenced_*.deb    the service comes up active, cadencectl status answers, the
#                                   journal catalog and the man pages are installed
#   an upgrade to a rebuilt package keeps a modified cadenced.conf and the ledger
#   apt remove                      stops the service, keeps the state and the configuration
#   apt purge                       removes them
#
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, M failed"; exit 1 when M > 0.
# Root only: prints "SKIP: reason" and exits 0 without root, debootstrap or debhelper (under
# CI=true a skip is a failure).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NS=$ROOT/scripts/systemd-ns
SCRATCH=${CADENCED_TEST_SCRATCH:-$ROOT/.build-system-test}
DEBIAN_ROOT=${CADENCED_DEBIAN_ROOT:-$HOME/.cache/cadenced/debian-12-systemd}
VERSION=$(sed -n 's/.*static let string = "\(.*\)"/\1/p' "$ROOT/Sources/CadenceConfiguration/Version.swift")
DEB=$ROOT/build/deb/cadenced_${VERSION}_amd64.deb
REBUILT=$ROOT/build/deb/cadenced_${VERSION}+rebuild1_amd64.deb

passed=0
failed=0
NS_PID=""

# skip, diag
. "$ROOT/Tests/system/lib.sh"

check() {
    local description=$1
    shift
    if "$@"; then
        echo "ok - $description"
        passed=$((passed + 1))
    else
        echo "not ok - $description"
        failed=$((failed + 1))
    fi
}

cleanup() {
    [ -n "$NS_PID" ] && "$NS" stop "$NS_PID" >/dev/null 2>&1
    return 0
}
trap cleanup EXIT

# Runs a command inside the namespaced Debian (its root, its systemd).
inside() { "$NS" exec "$NS_PID" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

# A fresh Debian 12 with systemd, made once and kept: debootstrap takes minutes, a boot 1 s.
make_root() {
    [ -x "$DEBIAN_ROOT/lib/systemd/systemd" ] && return 0
    echo "# making a fresh Debian 12 in $DEBIAN_ROOT (debootstrap, once)"
    rm -rf "$DEBIAN_ROOT.part"
    mkdir -p "$(dirname "$DEBIAN_ROOT")"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,libsqlite3-0,libssl3,man-db,groff-base \
        bookworm "$DEBIAN_ROOT.part" http://deb.debian.org/debian >/dev/null || return 1
    mv "$DEBIAN_ROOT.part" "$DEBIAN_ROOT"
}

# Boots the Debian root's own systemd in new namespaces: a mount namespace where the root is a
# mount point with /proc, /sys and /dev, the packages under /srv/deb, and the project's
# scripts/systemd-ns; from there systemd-ns boots it with its private mounts (overlays over
# /etc, /usr, /var: the cached root is never written).
boot() {
    # systemd-ns start returns once the namespaced systemd runs (its own stdout goes elsewhere).
    NS_PID=$(unshare --mount --fork bash -c '
        set -e
        root=$1 deb=$2 ns=$3
        mount --make-rprivate /
        mount --bind "$root" "$root"
        for d in proc sys dev; do mount --rbind "/$d" "$root/$d"; done
        mkdir -p "$root/srv/deb" "$root/srv/tools/scripts"
        touch "$root/srv/tools/scripts/systemd-ns"
        mount --bind "$deb" "$root/srv/deb"
        mount --bind -o ro "$ns" "$root/srv/tools/scripts/systemd-ns"
        cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
        SYSTEMD_NS_KEEP=/srv/deb chroot "$root" /srv/tools/scripts/systemd-ns start
    ' boot "$DEBIAN_ROOT" "$(dirname "$DEB")" "$NS" 2>/tmp/cadenced-package-boot.log) || diag </tmp/cadenced-package-boot.log
    [[ $NS_PID =~ ^[0-9]+$ ]]
}

service_state() { inside systemctl is-active "$1" 2>/dev/null; }

installs() {
    inside apt-get install -y -q "/srv/deb/$(basename "$DEB")" >/tmp/cadenced-package-apt.log 2>&1 || {
        tail -20 /tmp/cadenced-package-apt.log | diag
        return 1
    }
}

comes_up() {
    local state
    for _ in $(seq 50); do
        state=$(service_state cadenced.service)
        [ "$state" = active ] && return 0
        sleep 0.2
    done
    echo "cadenced.service is $state" | diag
    inside journalctl -u cadenced.service --no-pager -n 20 | diag
    return 1
}

status_answers() {
    local out
    out=$(inside cadencectl status 2>&1) || {
        echo "$out" | diag
        return 1
    }
    [ -n "$out" ]
}

catalog_and_man() {
    # The catalog is taken into the journal's database (systemd's dpkg trigger runs
    # journalctl --update-catalog); the man pages render.
    # Outputs are read whole before they are searched: with pipefail, `grep -q` stopping early
    # would fail the pipeline with the writer's SIGPIPE.
    local catalog page manual
    catalog=$(inside journalctl --list-catalog 2>/dev/null)
    grep -qi "cadenced" <<<"$catalog" || {
        echo "no cadenced entry in journalctl --list-catalog" | diag
        return 1
    }
    for page in cadenced cadencectl cadenced.conf cadenced.cadence cadenced-deliver; do
        inside man -w "$page" >/dev/null 2>&1 || {
            echo "man -w $page finds nothing" | diag
            return 1
        }
    done
    manual=$(inside sh -c 'MANWIDTH=80 man cadencectl 2>&1')
    grep -q "cadencectl backup" <<<"$manual"
}

deliver_not_started() {
    # The delivery service waits for its deliver.conf: installed, neither enabled nor started.
    [ "$(service_state cadenced-deliver.service)" != active ] &&
        [ "$(inside systemctl is-enabled cadenced-deliver.service 2>/dev/null)" != enabled ]
}

modify_and_record() {
    inside sh -c 'printf "\n# changed by the administrator\n" >>/etc/cadenced/cadenced.conf' &&
        inside cadencectl units add pkg-county --name '升级测试县卫生局' --kind county-bureau >/dev/null
}

rebuild() {
    # A rebuilt package: the same files under a newer version, as the next build would be.
    local work
    work=$(mktemp -d)
    dpkg-deb -R "$DEB" "$work/pkg" &&
        sed -i "s/^Version: .*/Version: ${VERSION}+rebuild1/" "$work/pkg/DEBIAN/control" &&
        dpkg-deb --root-owner-group -b "$work/pkg" "$REBUILT" >/dev/null
    local rc=$?
    rm -rf "$work"
    return $rc
}

upgrades() {
    inside apt-get install -y -q "/srv/deb/$(basename "$REBUILT")" >/tmp/cadenced-package-apt.log 2>&1 || {
        tail -20 /tmp/cadenced-package-apt.log | diag
        return 1
    }
    [ "$(inside dpkg-query -W -f '${Version}' cadenced)" = "${VERSION}+rebuild1" ]
}

kept_after_upgrade() {
    inside grep -q "changed by the administrator" /etc/cadenced/cadenced.conf || {
        echo "the modified cadenced.conf was replaced" | diag
        return 1
    }
    local units
    comes_up && units=$(inside cadencectl units list 2>&1) && grep -q "升级测试县卫生局" <<<"$units"
}

removes() {
    inside apt-get remove -y -q cadenced >/tmp/cadenced-package-apt.log 2>&1 || {
        tail -20 /tmp/cadenced-package-apt.log | diag
        return 1
    }
    [ "$(service_state cadenced.service)" != active ] && [ "$(service_state cadenced.socket)" != active ] &&
        ! inside test -e /usr/bin/cadenced &&
        inside test -s /var/lib/cadenced/ledger.sqlite && inside test -e /etc/cadenced/cadenced.conf
}

purges() {
    inside apt-get purge -y -q cadenced >/tmp/cadenced-package-apt.log 2>&1 || {
        tail -20 /tmp/cadenced-package-apt.log | diag
        return 1
    }
    ! inside test -e /var/lib/cadenced && ! inside test -e /var/lib/private/cadenced &&
        ! inside test -e /etc/cadenced/cadenced.conf
}

main() {
    [ "$(id -u)" -eq 0 ] || skip "needs root: boots systemd in a private namespace"
    command -v debootstrap >/dev/null || skip "debootstrap is not installed (scripts/deps installs it)"
    command -v dh >/dev/null || skip "debhelper is not installed (scripts/deps installs it)"
    command -v lintian >/dev/null || skip "lintian is not installed (scripts/deps installs it)"

    echo "# make deb (SCRATCH_PATH=$SCRATCH)"
    if ! make -C "$ROOT" deb SCRATCH_PATH="$SCRATCH" >/tmp/cadenced-package-build.log 2>&1; then
        echo "not ok - make deb builds the package and lintian finds no error"
        tail -30 /tmp/cadenced-package-build.log | diag
        exit 1
    fi
    echo "ok - make deb builds the package and lintian finds no error"
    passed=$((passed + 1))
    grep -E '^[WE]: ' /tmp/cadenced-package-build.log | diag
    check "a rebuilt package (next version) is made from it" rebuild
    make_root || {
        echo "not ok - a fresh Debian 12 with systemd (debootstrap)"
        exit 1
    }
    boot || {
        echo "not ok - the fresh Debian 12 boots its systemd in a private namespace"
        exit 1
    }
    echo "ok - the fresh Debian 12 boots its systemd in a private namespace"
    passed=$((passed + 1))

    check "apt install ./cadenced_${VERSION}_amd64.deb" installs
    check "cadenced.service comes up active" comes_up
    check "cadencectl status answers" status_answers
    check "the journal catalog is updated and the man pages are installed" catalog_and_man
    check "cadenced-deliver.service is installed, neither enabled nor started" deliver_not_started
    check "the administrator changes cadenced.conf and adds a unit" modify_and_record
    check "apt install of the rebuilt package upgrades it" upgrades
    check "the upgrade keeps the modified cadenced.conf and the ledger, the service is back" kept_after_upgrade
    check "apt remove stops the service and keeps the state and configuration" removes
    check "apt purge removes the state and the configuration" purges

    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

main "$@"

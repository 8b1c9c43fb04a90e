# cadenced: release build and installation.
#
#   make                 release build of cadenced and cadencectl, Swift runtime linked in
#                        (rebuilds only when Sources/ or Package.swift changed)
#   make install         binaries, units, sysusers.d, tmpfiles.d, catalog and configuration
#   make uninstall       removes them again (configuration only where unmodified)
#   make check-units     systemd-analyze verify and security of units/
#   make check-ldd       the binaries need no Swift runtime library
#
# Variables: PREFIX (/usr/local), SYSCONFDIR (/etc), DESTDIR (staging root for packagers;
# works without root), BINDIR, UNITDIR, SYSUSERSDIR, TMPFILESDIR, CATALOGDIR, SWIFT,
# SCRATCH_PATH (swift build's --scratch-path, .build).
#
# Configuration under $(SYSCONFDIR)/cadenced is never overwritten: an existing cadenced.conf,
# drop-in or cadence file is kept as it is (install says so), and uninstall removes only files
# identical to the shipped ones. The exception is holidays.d/cn.conf, generated data ("do not
# edit by hand"), which install replaces so that new years' holidays arrive; local days off
# belong in a file of their own.
# After installing on a live system (DESTDIR empty) run the steps install prints.

PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
BINDIR ?= $(PREFIX)/bin
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
CATALOGDIR ?= $(PREFIX)/lib/systemd/catalog
CONFDIR := $(SYSCONFDIR)/cadenced
DESTDIR ?=

SWIFT ?= swift
SCRATCH_PATH ?= .build
BUILT := $(SCRATCH_PATH)/release
SWIFT_BUILD := $(SWIFT) build -c release --static-swift-stdlib --scratch-path $(SCRATCH_PATH)
PROGRAMS := cadenced cadencectl
SOURCES := Package.swift $(shell find Sources -type f)
CATALOG := $(wildcard catalog/cadenced.catalog)

# The shipped unit files name /usr/bin and /etc; installed ones name BINDIR and SYSCONFDIR.
SUBSTITUTE := sed -e 's|/usr/bin/cadenced|$(BINDIR)/cadenced|g' -e 's|/etc/cadenced|$(CONFDIR)|g'
# Libraries a binary built with --static-swift-stdlib must not need.
SWIFT_RUNTIME := libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|libicu|libXCTest

.PHONY: all install uninstall check-ldd check-units clean

all: $(addprefix $(BUILT)/,$(PROGRAMS))

$(addprefix $(BUILT)/,$(PROGRAMS)) &: $(SOURCES)
	$(SWIFT_BUILD) --product cadenced
	$(SWIFT_BUILD) --product cadencectl
	@# swift build leaves an up-to-date binary untouched; make compares times.
	touch $(addprefix $(BUILT)/,$(PROGRAMS))

check-ldd: all
	@for program in $(PROGRAMS); do \
	    if ldd $(BUILT)/$$program | grep -E '$(SWIFT_RUNTIME)|not found'; then \
	        echo "$(BUILT)/$$program needs the libraries above; build with --static-swift-stdlib" >&2; \
	        exit 1; \
	    fi; \
	done

check-units:
	@# verify exits 1 for the missing /usr/bin/cadenced, and only warns (exit 0) for bad keys:
	@# any other output is a failure.
	@out=$$(systemd-analyze verify units/cadenced.service units/cadenced.socket 2>&1 \
	    | grep -v 'Command /usr/bin/cadenced is not executable'); \
	if [ -n "$$out" ]; then echo "$$out" >&2; exit 1; fi
	systemd-analyze security --offline=yes --threshold=10 --no-pager units/cadenced.service | tail -1
	@echo

install: all check-ldd
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 0755 $(addprefix $(BUILT)/,$(PROGRAMS)) $(DESTDIR)$(BINDIR)/
	for unit in cadenced.service cadenced.socket; do \
	    $(SUBSTITUTE) units/$$unit >$(DESTDIR)$(UNITDIR)/$$unit && chmod 0644 $(DESTDIR)$(UNITDIR)/$$unit || exit 1; \
	done
	install -m 0644 units/sysusers.d/cadenced.conf $(DESTDIR)$(SYSUSERSDIR)/cadenced.conf
	install -m 0644 units/tmpfiles.d/cadenced.conf $(DESTDIR)$(TMPFILESDIR)/cadenced.conf
	@find etc/cadenced -type f | sort | while read -r file; do \
	    relative=$${file#etc/cadenced/}; \
	    target="$(DESTDIR)$(CONFDIR)/$$relative"; \
	    install -d "$$(dirname "$$target")" || exit 1; \
	    if [ ! -e "$$target" ]; then \
	        echo "install -m 0644 $$file $$target"; install -m 0644 "$$file" "$$target" || exit 1; \
	    elif cmp -s "$$file" "$$target"; then :; \
	    else case "$$relative" in \
	        holidays.d/*) echo "replacing $$target (generated holiday data)"; \
	                      install -m 0644 "$$file" "$$target" || exit 1 ;; \
	        *) echo "keeping $$target (differs from the shipped $$file)" ;; \
	    esac; fi; \
	done
ifneq ($(CATALOG),)
	install -d $(DESTDIR)$(CATALOGDIR)
	install -m 0644 $(CATALOG) $(DESTDIR)$(CATALOGDIR)/cadenced.catalog
ifeq ($(DESTDIR),)
	-journalctl --update-catalog
endif
endif
ifeq ($(DESTDIR),)
	@echo
	@echo "Installed. To start it: systemd-sysusers; systemd-tmpfiles --create cadenced.conf;"
	@echo "  systemctl daemon-reload; systemctl enable --now cadenced.socket cadenced.service"
endif

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(PROGRAMS))
	rm -f $(DESTDIR)$(UNITDIR)/cadenced.service $(DESTDIR)$(UNITDIR)/cadenced.socket
	rm -f $(DESTDIR)$(SYSUSERSDIR)/cadenced.conf $(DESTDIR)$(TMPFILESDIR)/cadenced.conf
	rm -f $(DESTDIR)$(CATALOGDIR)/cadenced.catalog
	@find etc/cadenced -type f | sort | while read -r file; do \
	    target="$(DESTDIR)$(CONFDIR)/$${file#etc/cadenced/}"; \
	    if cmp -s "$$file" "$$target"; then rm -f "$$target"; \
	    elif [ -e "$$target" ]; then echo "keeping $$target (modified)"; fi; \
	done
	-@[ -d $(DESTDIR)$(CONFDIR) ] && find $(DESTDIR)$(CONFDIR) -depth -type d -empty -delete
ifeq ($(DESTDIR),)
	-@[ -n "$(CATALOG)" ] && journalctl --update-catalog
	@echo "The state in /var/lib/cadenced, the user cadenced and kept configuration remain."
endif

clean:
	rm -rf $(BUILT)/cadenced $(BUILT)/cadencectl

#ifndef CADENCED_CSYSTEMD_SHIM_H
#define CADENCED_CSYSTEMD_SHIM_H
/* Without this, sd_journal_sendv is a macro adding CODE_FILE= etc. and does not import. */
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#endif

#ifndef CADENCED_CSYSTEMD_SHIM_H
#define CADENCED_CSYSTEMD_SHIM_H
/* Without this, sd_journal_sendv is a macro adding CODE_FILE= etc. and does not import. */
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

/* TFD_TIMER_CANCEL_ON_SET is (1 << 1) in include/uapi/linux/timerfd.h (Linux >= 3.0); older glibc headers lack it. */
#ifndef TFD_TIMER_CANCEL_ON_SET
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)
#endif

/* glibc declares the timerfd flags as enum members; plain ints keep Swift free of enum-type conversions. */
static const int CSYSTEMD_TFD_NONBLOCK = TFD_NONBLOCK;
static const int CSYSTEMD_TFD_CLOEXEC = TFD_CLOEXEC;
static const int CSYSTEMD_TFD_TIMER_ABSTIME = TFD_TIMER_ABSTIME;
static const int CSYSTEMD_TFD_TIMER_CANCEL_ON_SET = TFD_TIMER_CANCEL_ON_SET;
#endif

/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor log on its own UART, serialised by one lock; guest
 * console output (input: console_input.c). Every log line
 * starts with "sable: "; errors with "sable: ERROR: " (the system tests
 * fail on those). A domU's output is filtered of terminal controls and
 * rate-limited, and so are the log lines any guest causes
 * (docs/bounded-time.md).
 */
#include <sable/arch.h>
#include <sable/console_filter.h>
#include <sable/domain.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/ratelimit.h>
#include <sable/spinlock.h>

#include "console.h"

/*
 * Per-domain console state, indexed by domain id; the last slot serves any
 * id beyond MAX_DOMAINS. A reused id inherits its buckets, which only
 * delays the new domain's output by at most one burst.
 */
struct console_dom {
	struct console_filter filter;
	struct ratelimit out_rl; /* console output, bytes */
	struct ratelimit log_rl; /* guest-caused log lines */
	bool mid_line; /* the domain's last byte out was not '\n' */
	bool suppressing; /* output is being dropped */
};

/* Protects: console output ordering, console_doms. */
static spinlock_t console_lock = SPINLOCK_INIT;
int log_level_max = LOG_GUEST;
static struct console_dom console_doms[MAX_DOMAINS + 1];
/*
 * The domU whose unfinished line is the last thing on the UART, or NULL:
 * anything else written first ends that line, so that a domain's bytes
 * passed on one at a time (emulated UART with the input) never run into
 * another's. console_lock.
 */
static struct console_dom *open_line;

/*
 * A domU's console: 64 KiB at once, then 16 KiB a second (a Linux boot
 * log fits in the burst; a flood is cut to the rate). Guest-caused log
 * lines: 10 at once, then one a second.
 */
static const struct ratelimit_cfg console_out_cfg = { .burst = 64 * 1024,
						      .per_sec = 16 * 1024 };
static const struct ratelimit_cfg console_log_cfg = { .burst = 10,
						      .per_sec = 1 };

/*
 * The history of everything written to the console (hypervisor lines,
 * guests' output), for the toolstack (xl dmesg). Byte i of the output is
 * at hist[i % CONSOLE_HISTORY] while i >= hist_prod - CONSOLE_HISTORY;
 * bytes before hist_cleared were read and forgotten. console_lock.
 */
static char hist[CONSOLE_HISTORY];
static uint64_t hist_prod, hist_cleared;

/* Out on the UART and into the history; console_lock held. */
static void console_out_locked(const char *s, size_t len)
{
	arch_console_write(s, len);
	if (len > CONSOLE_HISTORY) {
		hist_prod += len - CONSOLE_HISTORY;
		s += len - CONSOLE_HISTORY;
		len = CONSOLE_HISTORY;
	}
	for (size_t i = 0; i < len; i++) {
		hist[(hist_prod + i) % CONSOLE_HISTORY] = s[i];
	}
	hist_prod += len;
}

/* Something else goes out: end the open domU line first. Lock held. */
static void close_line_locked(const struct console_dom *next)
{
	if (open_line && open_line != next) {
		console_out_locked("\n", 1);
		open_line->mid_line = false;
		open_line = NULL;
	}
}

size_t console_history_read(uint64_t *index, char *buf, size_t len, bool clear)
{
	uint64_t first, i;
	size_t n = 0;

	spin_lock(&console_lock);
	first = hist_prod > CONSOLE_HISTORY ? hist_prod - CONSOLE_HISTORY : 0;
	first = MAX(first, hist_cleared);
	i = MAX(*index, first);
	if (i > hist_prod) {
		i = hist_prod; /* an index from the future: nothing newer */
	}
	while (n < len && i < hist_prod) {
		buf[n++] = hist[i++ % CONSOLE_HISTORY];
	}
	if (clear) {
		hist_cleared = MAX(hist_cleared, i);
	}
	spin_unlock(&console_lock);
	*index = i;
	return n;
}

static const char *const level_prefix[] = {
	[LOG_ERR] = "sable: ERROR: ",	[LOG_WARN] = "sable: warning: ",
	[LOG_INFO] = "sable: ",		[LOG_GUEST] = "sable: guest: ",
	[LOG_DEBUG] = "sable: debug: ",
};

static struct console_dom *console_dom(unsigned int domid)
{
	return &console_doms[domid < MAX_DOMAINS ? domid : MAX_DOMAINS];
}

void console_domain_forget(unsigned int domid)
{
	if (domid >= MAX_DOMAINS) {
		return;
	}
	spin_lock(&console_lock);
	close_line_locked(NULL);
	memset(console_dom(domid), 0, sizeof(struct console_dom));
	spin_unlock(&console_lock);
}

void console_set_level(int level)
{
	log_level_max = level;
}

/* One log line; console_lock held. */
static void log_vline_locked(enum log_level level, const char *fmt, va_list ap)
{
	char buf[256];
	const char *prefix = level_prefix[level];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n >= (int)sizeof(buf)) {
		n = (int)sizeof(buf) - 1;
	}
	close_line_locked(NULL);
	console_out_locked(prefix, strlen(prefix));
	console_out_locked(buf, (size_t)n);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if ((int)level > log_level_max) {
		return;
	}
	va_start(ap, fmt);
	spin_lock(&console_lock);
	log_vline_locked(level, fmt, ap);
	spin_unlock(&console_lock);
	va_end(ap);
}

static void log_line_locked(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void log_line_locked(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline_locked(level, fmt, ap);
	va_end(ap);
}

void log_guest(unsigned int domid, const char *fmt, ...)
{
	struct console_dom *cd = console_dom(domid);
	uint32_t dropped;
	va_list ap;

	if (LOG_GUEST > log_level_max) {
		return;
	}
	spin_lock(&console_lock);
	if (!ratelimit_take(&cd->log_rl, &console_log_cfg, arch_counter(),
			    arch_counter_freq(), 1)) {
		spin_unlock(&console_lock);
		return;
	}
	dropped = ratelimit_dropped(&cd->log_rl);
	if (dropped) {
		log_line_locked(LOG_GUEST, "d%u: %u messages suppressed\n",
				domid, dropped);
	}
	va_start(ap, fmt);
	log_vline_locked(LOG_GUEST, fmt, ap);
	va_end(ap);
	spin_unlock(&console_lock);
}

/* Raw guest output (dom0's console_io writes), no prefix. */
void console_write_raw(const char *s, size_t len)
{
	spin_lock(&console_lock);
	if (len) {
		close_line_locked(NULL);
	}
	console_out_locked(s, len);
	spin_unlock(&console_lock);
}

/* ---- guest output and dom0 input --------------------------------------- */

/* Filtered output of domain @id, "(dN) " at each line start; lock held. */
static void dom_write_locked(struct console_dom *cd, unsigned int id,
			     const char *s, size_t len)
{
	char prefix[12];
	size_t start = 0;

	if (len) {
		close_line_locked(cd);
	}
	for (size_t i = 0; i < len; i++) {
		if (!cd->mid_line) {
			int n = snprintf(prefix, sizeof(prefix), "(d%u) ", id);

			console_out_locked(s + start, i - start);
			start = i;
			console_out_locked(prefix, (size_t)n);
			cd->mid_line = true;
		}
		if (s[i] == '\n') {
			cd->mid_line = false;
		}
	}
	console_out_locked(s + start, len - start);
	if (len) {
		open_line = cd->mid_line ? cd : NULL;
	}
}

/*
 * Let @len filtered bytes of @id through the bucket. Once it runs dry the
 * domain's output is dropped, announced by one line, until the bucket is
 * half full again (so a flood does not trickle out a byte at a time).
 */
static size_t dom_admit_locked(struct console_dom *cd, size_t len)
{
	uint64_t now = arch_counter(), freq = arch_counter_freq();
	size_t got;

	if (cd->suppressing) {
		if (ratelimit_available(&cd->out_rl, &console_out_cfg, now,
					freq) < console_out_cfg.burst / 2) {
			return 0;
		}
		cd->suppressing = false;
	}
	got = ratelimit_take(&cd->out_rl, &console_out_cfg, now, freq,
			     (uint32_t)len);
	if (got < len) {
		cd->suppressing = true;
	}
	return got;
}

/* Input bytes filtered at a time (the output buffer is on the stack). */
#define CONSOLE_FILTER_CHUNK 128

void console_guest_output(struct domain *d, const char *s, size_t len)
{
	static const char suppressed[] = "... output suppressed\n";
	struct console_dom *cd = console_dom(d->id);
	char out[CONSOLE_FILTER_OUT(CONSOLE_FILTER_CHUNK)];
	size_t n, got;

	if (d->id == 0) {
		console_write_raw(s, len); /* the hardware domain's terminal */
		return;
	}
	spin_lock(&console_lock);
	while (len) {
		size_t in = MIN(len, (size_t)CONSOLE_FILTER_CHUNK);
		bool was_suppressing = cd->suppressing;

		n = console_filter_run(&cd->filter, out, s, in);
		s += in;
		len -= in;
		got = dom_admit_locked(cd, n);
		dom_write_locked(cd, d->id, out, got);
		if (cd->suppressing && !was_suppressing) {
			if (cd->mid_line) {
				console_out_locked("\n", 1);
			}
			cd->mid_line = false;
			dom_write_locked(cd, d->id, suppressed,
					 strlen(suppressed));
		}
	}
	spin_unlock(&console_lock);
}

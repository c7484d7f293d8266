/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor log on its own UART, serialised by one lock; guest
 * console output; input typed on the UART, queued for dom0. Every log line
 * starts with "sable: "; errors with "sable: ERROR: " (the system tests
 * fail on those).
 */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/spinlock.h>

#include "console.h"

/* Protects: console output ordering. */
static spinlock_t console_lock = SPINLOCK_INIT;
static int log_level_max = LOG_GUEST;

static const char *const level_prefix[] = {
	[LOG_ERR] = "sable: ERROR: ",	[LOG_WARN] = "sable: warning: ",
	[LOG_INFO] = "sable: ",		[LOG_GUEST] = "sable: guest: ",
	[LOG_DEBUG] = "sable: debug: ",
};

void console_set_level(int level)
{
	log_level_max = level;
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	char buf[256];
	const char *prefix;
	va_list ap;
	int n;

	if ((int)level > log_level_max) {
		return;
	}
	prefix = level_prefix[level];
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf)) {
		n = (int)sizeof(buf) - 1;
	}
	spin_lock(&console_lock);
	arch_console_write(prefix, strlen(prefix));
	arch_console_write(buf, (size_t)n);
	spin_unlock(&console_lock);
}

/* Raw guest output (dom0's console_io writes), no prefix. */
void console_write_raw(const char *s, size_t len)
{
	spin_lock(&console_lock);
	arch_console_write(s, len);
	spin_unlock(&console_lock);
}

/* ---- guest output and dom0 input --------------------------------------- */

void console_guest_output(struct domain *d, const char *s, size_t len)
{
	static bool at_line_start[MAX_DOMAINS] = { [0 ... MAX_DOMAINS - 1] =
							   true };
	char prefix[12];
	size_t start = 0;

	if (d->id == 0) {
		console_write_raw(s, len);
		return;
	}
	spin_lock(&console_lock);
	for (size_t i = 0; i < len; i++) {
		if (at_line_start[d->id]) {
			int n = snprintf(prefix, sizeof(prefix), "(d%u) ",
					 d->id);

			arch_console_write(s + start, i - start);
			start = i;
			arch_console_write(prefix, (size_t)n);
			at_line_start[d->id] = false;
		}
		if (s[i] == '\n') {
			at_line_start[d->id] = true;
		}
	}
	arch_console_write(s + start, len - start);
	spin_unlock(&console_lock);
}

#define INPUT_RING 1024
/* Protects: input_ring, input_prod, input_cons. */
static spinlock_t input_lock = SPINLOCK_INIT;
static char input_ring[INPUT_RING];
static unsigned int input_prod, input_cons;

void console_input_push(char c)
{
	spin_lock(&input_lock);
	if (input_prod - input_cons < INPUT_RING) {
		input_ring[input_prod++ % INPUT_RING] = c;
	}
	spin_unlock(&input_lock);
}

size_t console_input_read(char *buf, size_t len)
{
	size_t n = 0;

	spin_lock(&input_lock);
	while (n < len && input_cons != input_prod) {
		buf[n++] = input_ring[input_cons++ % INPUT_RING];
	}
	spin_unlock(&input_lock);
	return n;
}

/* Input arrived on the hypervisor's UART: queue it and tell dom0. */
void console_uart_irq(void)
{
	struct domain *d0 = domain_lookup(0);
	int c;

	while ((c = arch_console_getc()) >= 0) {
		console_input_push((char)c);
	}
	if (d0 && !d0->is_shutdown) {
		evtchn_send_global_virq(&d0->evtchn, 2 /* VIRQ_CONSOLE */);
	}
}

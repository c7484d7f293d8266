/* SPDX-License-Identifier: MIT */
/*
 * Input typed on the hypervisor's UART, and who gets it (Xen's console
 * input switch). Ctrl-a typed three times in a row moves the input on, in
 * Xen's order: dom0, then each domU with an emulated UART by id, then the
 * hypervisor itself, then round again; a line says who has it now. Fewer
 * than three Ctrl-a followed by another byte are passed on as typed.
 *
 * - dom0's input is queued (INPUT_RING bytes, more is dropped) and read
 *   with console_io; VIRQ_CONSOLE tells dom0.
 * - a domU's goes into its emulated UART's receive FIFO (vpl011.c); what
 *   does not fit is dropped.
 * - the hypervisor's are keys: 'h' lists them, 'q' the domains and memory.
 *
 * The input starts with dom0, or without dom0 with the first domU with an
 * emulated UART. A domain that shuts down or dies while it has the input
 * hands it on to the next. Nothing here waits: the UART interrupt reads
 * what has arrived and returns.
 */
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/lib.h>
#include <sable/log.h>
#include <sable/mm.h>
#include <sable/spinlock.h>

#include "console.h"
#include "domu.h"

#define CTRL_A 0x01
#define SWITCH_PRESSES 3
/* The hypervisor's place in the order: after every domain id. */
#define INPUT_HYPERVISOR MAX_DOMAINS
#define INPUT_UNSET (-1)

/*
 * Protects: changes of input_to (read without it), ctrl_a. Nests only
 * the console locks.
 */
static spinlock_t switch_lock = SPINLOCK_INIT;
static int input_to = INPUT_UNSET;
static unsigned int ctrl_a; /* Ctrl-a pressed in a row so far */

/* May @id have the input: alive, and dom0 or a domU with a UART. */
static bool can_take_input(unsigned int id)
{
	struct domain *d = domain_lookup((domid_t)id);

	return d && !d->is_shutdown && !d->is_dying &&
	       (id == 0 || vpl011_present(d));
}

/* Who comes after @from in the order. */
static int next_after(int from)
{
	int id = from == INPUT_HYPERVISOR || from < 0 ? 0 : from + 1;

	for (; id < MAX_DOMAINS; id++) {
		if (can_take_input((unsigned int)id)) {
			return id;
		}
	}
	return INPUT_HYPERVISOR;
}

static void announce(int to)
{
	struct domain *d;

	if (to == INPUT_HYPERVISOR) {
		pr_info("console input to the hypervisor (Ctrl-a three times "
			"to switch, 'h' for keys)\n");
		return;
	}
	d = domain_lookup((domid_t)to);
	pr_info("console input to d%d (%s) (Ctrl-a three times to switch)\n",
		to, d ? d->name : "?");
}

/* Move the input from @from (if it still has it) to the next; say so. */
static void move_on(int from)
{
	int to;

	spin_lock(&switch_lock);
	if (input_to != from) {
		spin_unlock(&switch_lock);
		return;
	}
	to = next_after(from);
	__atomic_store_n(&input_to, to, __ATOMIC_RELAXED);
	spin_unlock(&switch_lock);
	announce(to);
}

void console_input_start(void)
{
	move_on(INPUT_UNSET);
}

void console_input_domain_down(unsigned int domid)
{
	move_on((int)domid);
}

int console_input_target(void)
{
	/* Read without the lock: emulated UARTs ask for every byte out. */
	int to = __atomic_load_n(&input_to, __ATOMIC_RELAXED);

	return to == INPUT_HYPERVISOR ? -1 : to;
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

/* 'q': every domain, its state and memory; then the free memory. */
static void key_domains(void)
{
	for (domid_t id = 0; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_lookup(id);

		if (!d) {
			continue;
		}
		pr_info("d%u (%s): %s\n", id, d->name,
			d->is_dying	 ? "dying"
			: d->is_shutdown ? "shut down"
					 : "running");
		domain_report_memory(d);
	}
	pr_info("free memory: %lu of %lu pages\n",
		(unsigned long)mm_free_pages_count(),
		(unsigned long)mm_total_pages_count());
}

static void key_hypervisor(char c)
{
	switch (c) {
	case 'h':
		pr_info("keys: 'h' this list, 'q' domains and memory\n");
		break;
	case 'q':
		key_domains();
		break;
	default:
		break; /* other keys mean nothing */
	}
}

/* What is typed for whoever has the input (@to). */
static void deliver(int to, const char *s, size_t len, bool *dom0_virq)
{
	struct domain *d;

	if (to == INPUT_HYPERVISOR) {
		for (size_t i = 0; i < len; i++) {
			key_hypervisor(s[i]);
		}
		return;
	}
	if (to == 0) {
		for (size_t i = 0; i < len; i++) {
			console_input_push(s[i]);
		}
		*dom0_virq = true;
		return;
	}
	d = to > 0 ? domain_lookup((domid_t)to) : NULL;
	if (d && !d->is_shutdown && !d->is_dying) {
		vpl011_rx(d, s, len); /* what does not fit is dropped */
	}
}

/*
 * One byte typed: Ctrl-a counted, the third one switching; the byte (with
 * any Ctrl-a held back before it) added to @buf. switch_lock held.
 */
static bool take_byte_locked(char c, char *buf, size_t *n, bool *switched)
{
	if (c == CTRL_A) {
		if (++ctrl_a == SWITCH_PRESSES) {
			ctrl_a = 0;
			__atomic_store_n(&input_to, next_after(input_to),
					 __ATOMIC_RELAXED);
			*switched = true;
		}
		return true;
	}
	for (; ctrl_a; ctrl_a--) {
		buf[(*n)++] = CTRL_A;
	}
	buf[(*n)++] = c;
	return false;
}

/*
 * Input arrived on the hypervisor's UART: each byte goes to whoever has
 * the input when it is read. Bytes for one receiver are handed over
 * together, with switch_lock dropped.
 */
void console_uart_irq(void)
{
	char buf[SWITCH_PRESSES + 16];
	bool dom0_virq = false;
	int c;

	while ((c = arch_console_getc()) >= 0) {
		bool switched = false;
		size_t n = 0;
		int to;

		spin_lock(&switch_lock);
		if (input_to == INPUT_UNSET) {
			__atomic_store_n(&input_to, next_after(INPUT_UNSET),
					 __ATOMIC_RELAXED);
		}
		take_byte_locked((char)c, buf, &n, &switched);
		to = input_to;
		spin_unlock(&switch_lock);
		if (switched) {
			announce(to);
		}
		if (n) {
			deliver(to, buf, n, &dom0_virq);
		}
	}
	if (dom0_virq) {
		struct domain *d0 = domain_lookup(0);

		if (d0 && !d0->is_shutdown) {
			evtchn_send_global_virq(&d0->evtchn,
						2 /* VIRQ_CONSOLE */);
		}
	}
}

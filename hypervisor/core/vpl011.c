/* SPDX-License-Identifier: MIT */
/*
 * The emulated UART of domUs: the SBSA subset of a PL011 at Xen's guest
 * address, trapped and emulated in EL2 (PL011 TRM 3.3, 3.4). Every byte
 * written to the data register goes to the hypervisor console with the
 * domain's "(dN) " prefix, a line at a time (a byte at a time while the
 * domain has the console's input and something has been typed to it, so
 * boot logs of several domains never interleave mid-line); the transmit FIFO is always empty, so the TX
 * interrupt is always raised. What is typed on the hypervisor console
 * while the domain has the input (console_input.c) fills the receive FIFO
 * (VPL011_RX_FIFO bytes; more is dropped) and raises the RX and receive
 * timeout interrupts until the guest has read it all. One line, SPI 0
 * (INTID 32), level: up while an unmasked interrupt is raised.
 */
#include <sable/alloc.h>
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/lib.h>
#include <sable/mmio.h>
#include <sable/vgic.h>

#include "console.h"
#include "domu.h"

#define UARTDR 0x000
#define UARTRSR 0x004
#define UARTFR 0x018
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044

#define FR_TXFE (1U << 7)
#define FR_RXFF (1U << 6)
#define FR_RXFE (1U << 4)
#define INT_RX (1U << 4)
#define INT_TX (1U << 5)
#define INT_RT (1U << 6)

#define LINE_MAX 128

struct vpl011 {
	/* Protects: imsc, ris, rx, rx_prod, rx_cons, typed, line, len. */
	spinlock_t lock;
	uint32_t imsc;
	uint32_t ris; /* raised RX and RT interrupts (TX always is) */
	/* Receive FIFO: bytes rx_cons..rx_prod (free-running). */
	char rx[VPL011_RX_FIFO];
	unsigned int rx_prod, rx_cons;
	bool typed; /* something was typed to it: its output is interactive */
	/* Output is passed on a whole line at a time, as Xen does. */
	char line[LINE_MAX];
	unsigned int len;
};

/*
 * A line at a time, as Xen does; but the domain that has the console's
 * input, once something has been typed to it, gets each byte out at once,
 * so its prompt and echo show.
 */
static void put_char(struct domain *d, struct vpl011 *u, char c)
{
	u->line[u->len++] = c;
	if (c == '\n' || u->len == LINE_MAX ||
	    (u->typed && console_input_target() == (int)d->id)) {
		console_guest_output(d, u->line, u->len);
		u->len = 0;
	}
}

static void update_irq(struct domain *d, const struct vpl011 *u)
{
	vgic_inject(&d->vgic, 0, 32 + GUEST_PL011_SPI,
		    ((u->ris | INT_TX) & u->imsc) != 0);
}

static bool rx_empty(const struct vpl011 *u)
{
	return u->rx_prod == u->rx_cons;
}

/* A read of the data register: the oldest byte received, or 0. */
static uint64_t read_dr(struct domain *d, struct vpl011 *u)
{
	uint64_t c = 0;

	if (!rx_empty(u)) {
		c = (unsigned char)u->rx[u->rx_cons++ % VPL011_RX_FIFO];
		if (rx_empty(u)) {
			u->ris &= ~(INT_RX | INT_RT);
			update_irq(d, u);
		}
	}
	return c;
}

static uint64_t read_fr(const struct vpl011 *u)
{
	uint64_t fr = FR_TXFE;

	if (rx_empty(u)) {
		fr |= FR_RXFE;
	} else if (u->rx_prod - u->rx_cons == VPL011_RX_FIFO) {
		fr |= FR_RXFF;
	}
	return fr;
}

/*
 * ICR clears the interrupts named; while bytes wait, the receive timeout
 * comes back at once, as it would on the device with nothing more coming.
 */
static void write_icr(struct domain *d, struct vpl011 *u, uint64_t val)
{
	u->ris &= ~(uint32_t)val;
	if (!rx_empty(u)) {
		u->ris |= INT_RT;
	}
	update_irq(d, u);
}

static int vpl011_mmio(struct vcpu *v, void *priv, uint64_t offset,
		       struct mmio_access *acc)
{
	struct vpl011 *u = priv;
	struct domain *d = v->dom;

	acc->val = acc->is_write ? acc->val : 0;
	spin_lock(&u->lock);
	switch (offset) {
	case UARTDR:
		if (acc->is_write) {
			put_char(d, u, (char)(acc->val & 0xff));
		} else {
			acc->val = read_dr(d, u);
		}
		break;
	case UARTFR:
		acc->val = acc->is_write ? acc->val : read_fr(u);
		break;
	case UARTIMSC:
		if (acc->is_write) {
			u->imsc = (uint32_t)acc->val & 0x7ff;
			update_irq(d, u);
		} else {
			acc->val = u->imsc;
		}
		break;
	case UARTRIS:
		acc->val = acc->is_write ? acc->val : (INT_TX | u->ris);
		break;
	case UARTMIS:
		acc->val = acc->is_write ? acc->val
					 : ((INT_TX | u->ris) & u->imsc);
		break;
	case UARTICR:
		if (acc->is_write) {
			write_icr(d, u, acc->val);
		}
		break;
	default:
		break; /* RSR and the rest: reads 0, writes ignored */
	}
	spin_unlock(&u->lock);
	return MMIO_HANDLED;
}

int vpl011_init(struct domain *d)
{
	struct vpl011 *u = xzalloc(sizeof(*u));
	int rc;

	if (!u) {
		return -ENOMEM;
	}
	spin_lock_init(&u->lock);
	rc = mmio_register_owned(d, GUEST_PL011_BASE, GUEST_PL011_SIZE,
				 vpl011_mmio, u, xfree);
	if (rc) {
		xfree(u);
	}
	return rc;
}

static struct vpl011 *vpl011_of(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_mmio; i++) {
		if (d->mmio[i].handler == vpl011_mmio) {
			return d->mmio[i].priv;
		}
	}
	return NULL;
}

bool vpl011_present(struct domain *d)
{
	return vpl011_of(d) != NULL;
}

size_t vpl011_rx(struct domain *d, const char *s, size_t len)
{
	struct vpl011 *u = vpl011_of(d);
	size_t n = 0;

	if (!u) {
		return 0;
	}
	spin_lock(&u->lock);
	u->typed = u->typed || len > 0;
	while (n < len && u->rx_prod - u->rx_cons < VPL011_RX_FIFO) {
		u->rx[u->rx_prod++ % VPL011_RX_FIFO] = s[n++];
	}
	if (n) {
		u->ris |= INT_RX | INT_RT;
		update_irq(d, u);
	}
	spin_unlock(&u->lock);
	return n;
}

/* SPDX-License-Identifier: MIT */
/*
 * The emulated UART of boot-time domUs: the SBSA subset of a PL011 at
 * Xen's guest address, trapped and emulated in EL2. Transmit only: every
 * byte written to the data register goes to the hypervisor console with
 * the domain's "(dN) " prefix; the transmit FIFO is always empty, so the
 * TX interrupt (SPI 0, INTID 32) is raised whenever the guest unmasks it.
 * Reads of the data register return 0 with the receive FIFO empty.
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
#define FR_RXFE (1U << 4)
#define INT_TX (1U << 5)

#define LINE_MAX 128

struct vpl011 {
	/* Protects: imsc, line, len. */
	spinlock_t lock;
	uint32_t imsc;
	/* Output is passed on a whole line at a time, as Xen does. */
	char line[LINE_MAX];
	unsigned int len;
};

static void put_char(struct domain *d, struct vpl011 *u, char c)
{
	u->line[u->len++] = c;
	if (c == '\n' || u->len == LINE_MAX) {
		console_guest_output(d, u->line, u->len);
		u->len = 0;
	}
}

static void update_irq(struct domain *d, const struct vpl011 *u)
{
	vgic_inject(&d->vgic, 0, 32 + GUEST_PL011_SPI, (u->imsc & INT_TX) != 0);
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
		}
		break;
	case UARTFR:
		acc->val = acc->is_write ? acc->val : FR_TXFE | FR_RXFE;
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
		acc->val = acc->is_write ? acc->val : INT_TX;
		break;
	case UARTMIS:
		acc->val = acc->is_write ? acc->val : (INT_TX & u->imsc);
		break;
	default:
		break; /* RSR, ICR and the rest: reads 0, writes ignored */
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

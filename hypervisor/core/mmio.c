/* SPDX-License-Identifier: MIT */
/* Per-domain table of emulated MMIO regions. */
#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/mmio.h>

int mmio_register(struct domain *d, uint64_t base, uint64_t size,
		  mmio_handler handler, void *priv)
{
	return mmio_register_owned(d, base, size, handler, priv, NULL);
}

void mmio_release_all(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_mmio; i++) {
		if (d->mmio[i].release) {
			d->mmio[i].release(d->mmio[i].priv);
		}
	}
	d->nr_mmio = 0;
}

int mmio_register_owned(struct domain *d, uint64_t base, uint64_t size,
			mmio_handler handler, void *priv,
			void (*release)(void *priv))
{
	struct mmio_region *r;

	if (d->nr_mmio >= MAX_MMIO_REGIONS || !size || base + size < base) {
		return -ENOSPC;
	}
	r = &d->mmio[d->nr_mmio];
	r->base = base;
	r->size = size;
	r->handler = handler;
	r->priv = priv;
	r->release = release;
	d->nr_mmio++;
	return 0;
}

int mmio_dispatch(struct vcpu *v, struct mmio_access *acc)
{
	struct domain *d = v->dom;

	for (unsigned int i = 0; i < d->nr_mmio; i++) {
		const struct mmio_region *r = &d->mmio[i];

		if (acc->ipa >= r->base && acc->ipa - r->base < r->size) {
			return r->handler(v, r->priv, acc->ipa - r->base, acc);
		}
	}
	return MMIO_UNHANDLED;
}

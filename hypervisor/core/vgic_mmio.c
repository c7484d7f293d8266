/* SPDX-License-Identifier: MIT */
/*
 * A domain's vGIC windows: the distributor and one redistributor frame per
 * vCPU, registered as emulated MMIO and served by the device model.
 */
#include <sable/domain.h>
#include <sable/mmio.h>
#include <sable/vgic.h>

static int gicd_mmio(struct vcpu *v, void *priv, uint64_t off,
		     struct mmio_access *acc)
{
	int rc;

	(void)priv;
	rc = vgic_dist_mmio(&v->dom->vgic, v->vgic, off, acc->size,
			    acc->is_write, &acc->val);
	return rc == VDEV_HANDLED ? MMIO_HANDLED : MMIO_UNHANDLED;
}

static int gicr_mmio(struct vcpu *v, void *priv, uint64_t off,
		     struct mmio_access *acc)
{
	int rc;

	(void)priv;
	rc = vgic_redist_mmio(&v->dom->vgic, off, acc->size, acc->is_write,
			      &acc->val);
	return rc == VDEV_HANDLED ? MMIO_HANDLED : MMIO_UNHANDLED;
}

int vgic_register_mmio(struct domain *d, uint64_t gicd, uint64_t gicr)
{
	int rc = mmio_register(d, gicd, VGIC_DIST_SIZE, gicd_mmio, NULL);

	if (!rc) {
		rc = mmio_register(d, gicr, VGIC_REDIST_STRIDE * d->nr_vcpus,
				   gicr_mmio, NULL);
	}
	return rc;
}

/* SPDX-License-Identifier: MIT */
/* Virtual timer decisions; see sable/vtimer.h. */
#include <sable/errno.h>
#include <sable/vgic.h>
#include <sable/vtimer.h>

void vtimer_init(struct vtimer *t, uint64_t cntvoff)
{
	t->ctl = 0;
	t->cval = 0;
	t->cntvoff = cntvoff;
}

uint64_t vtimer_virt_count(const struct vtimer *t, uint64_t now_phys)
{
	return now_phys - t->cntvoff;
}

static bool vtimer_condition(const struct vtimer *t, uint64_t now_phys)
{
	return (t->ctl & CNTV_CTL_ENABLE) &&
	       vtimer_virt_count(t, now_phys) >= t->cval;
}

bool vtimer_should_fire(const struct vtimer *t, uint64_t now_phys_count)
{
	return !(t->ctl & CNTV_CTL_IMASK) &&
	       vtimer_condition(t, now_phys_count);
}

int vtimer_deadline(const struct vtimer *t, uint64_t now_phys,
		    uint64_t *deadline)
{
	uint64_t vnow = vtimer_virt_count(t, now_phys);
	uint64_t delta;

	if (!(t->ctl & CNTV_CTL_ENABLE) || (t->ctl & CNTV_CTL_IMASK)) {
		return -ENOENT;
	}
	if (vnow >= t->cval) {
		*deadline = now_phys;
		return 0;
	}
	/* The virtual count reaches CVAL after cval - vnow more ticks. */
	delta = t->cval - vnow;
	*deadline =
		delta > UINT64_MAX - now_phys ? UINT64_MAX : now_phys + delta;
	return 0;
}

uint64_t vtimer_ctl_read(const struct vtimer *t, uint64_t now_phys)
{
	uint64_t ctl = t->ctl & (CNTV_CTL_ENABLE | CNTV_CTL_IMASK);

	if (vtimer_condition(t, now_phys)) {
		ctl |= CNTV_CTL_ISTATUS;
	}
	return ctl;
}

int vtimer_update_irq(const struct vtimer *t, struct vgic *g, unsigned int vcpu,
		      uint64_t now_phys)
{
	bool level = vtimer_should_fire(t, now_phys);
	int ret = vgic_inject(g, vcpu, VTIMER_PPI, level);

	return ret < 0 ? ret : level;
}

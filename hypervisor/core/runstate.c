/* SPDX-License-Identifier: MIT */
/*
 * Runstate accounting (sable/runstate.h): the scheduler reports each
 * change of a vCPU's state (runstate_update, under the run-queue lock),
 * and this file keeps Xen's view of it, in ns of system time, and writes
 * it into the guest's registered area.
 *
 * Xen's states from Sable's: VCPU_RUNNING is running; VCPU_BLOCKED is
 * blocked; VCPU_RUNNABLE is runnable, or offline while its domain is
 * paused (Xen counts a vCPU that may not run as offline); VCPU_OFFLINE
 * and VCPU_PAUSED (shut down) are offline. Linux's steal time is the
 * runnable plus the offline time.
 *
 * The area is a guest virtual address. It is written as Xen on Arm does:
 * at switch-in of its vCPU and at registration, through copy_to_guest,
 * which translates it again at every write through the vCPU's own stage 1
 * and stage 2 and writes only RAM the domain owns, holding a reference on
 * the frame meanwhile: no machine address is kept, so an area whose page
 * is unmapped, ballooned out, grant-mapped or a device is skipped, never
 * written elsewhere. With VMASST_TYPE_runstate_update_flag the guest sees
 * XEN_RUNSTATE_UPDATE in state_entry_time while the rest changes.
 */
#include <public/vcpu.h>
#include <public/xen.h>
#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/guest_access.h>
#include <sable/runstate.h>

#define NS_PER_S 1000000000ULL

uint64_t runstate_ticks_to_ns(uint64_t ticks)
{
	uint64_t freq = arch_counter_freq();

	return ticks / freq * NS_PER_S + ticks % freq * NS_PER_S / freq;
}

static unsigned int xen_state(const struct vcpu *v)
{
	switch (v->state) {
	case VCPU_RUNNING:
		return RUNSTATE_running;
	case VCPU_RUNNABLE:
		return v->paused ? RUNSTATE_offline : RUNSTATE_runnable;
	case VCPU_BLOCKED:
		return RUNSTATE_blocked;
	default:
		return RUNSTATE_offline;
	}
}

/* Now, never before the current state's entry. Lock held. */
static uint64_t now_ns(const struct vcpu_runstate *r)
{
	uint64_t now = runstate_ticks_to_ns(arch_counter());

	return now > r->entry_ns ? now : r->entry_ns;
}

void runstate_init(struct vcpu *v)
{
	struct vcpu_runstate *r = &v->runstate;

	spin_lock_init(&r->lock);
	r->state = RUNSTATE_offline;
	r->entry_ns = runstate_ticks_to_ns(arch_counter());
	for (unsigned int i = 0; i < 4; i++) {
		r->time_ns[i] = 0;
	}
	r->area_gva = 0;
}

void runstate_update(struct vcpu *v)
{
	struct vcpu_runstate *r = &v->runstate;
	unsigned int state = xen_state(v);
	uint64_t now;

	spin_lock(&r->lock);
	if (state != r->state) {
		now = now_ns(r);
		r->time_ns[r->state] += now - r->entry_ns;
		r->entry_ns = now;
		r->state = state;
	}
	spin_unlock(&r->lock);
}

void runstate_get(struct vcpu *v, struct vcpu_runstate_info *out)
{
	struct vcpu_runstate *r = &v->runstate;

	spin_lock(&r->lock);
	out->state = r->state;
	out->pad = 0;
	out->state_entry_time = r->entry_ns;
	for (unsigned int i = 0; i < 4; i++) {
		out->time[i] = r->time_ns[i];
	}
	out->time[r->state] += now_ns(r) - r->entry_ns;
	spin_unlock(&r->lock);
}

/* Byte 7 of state_entry_time (little endian): where the flag lives. */
#define ENTRY_TOP_OFFSET \
	(__builtin_offsetof(struct vcpu_runstate_info, state_entry_time) + 7)

/*
 * Write @v's accounting to @gva through the current vCPU's translation.
 * Failures are ignored, as on Xen: the guest gave a bad address.
 */
static void write_area(struct vcpu *v, uint64_t gva)
{
	bool flag = __atomic_load_n(&v->dom->vm_assist, __ATOMIC_RELAXED) &
		    (1ULL << VMASST_TYPE_runstate_update_flag);
	struct vcpu_runstate_info info;
	struct vcpu_runstate *r = &v->runstate;
	uint8_t top;

	/* What the area holds: up to the entry of the current state. */
	spin_lock(&r->lock);
	info.state = r->state;
	info.pad = 0;
	info.state_entry_time = r->entry_ns;
	for (unsigned int i = 0; i < 4; i++) {
		info.time[i] = r->time_ns[i];
	}
	spin_unlock(&r->lock);
	if (flag) {
		info.state_entry_time |= XEN_RUNSTATE_UPDATE;
		top = (uint8_t)(info.state_entry_time >> 56);
		if (copy_to_guest(gva + ENTRY_TOP_OFFSET, &top, 1)) {
			return;
		}
		__atomic_thread_fence(__ATOMIC_RELEASE);
	}
	(void)copy_to_guest(gva, &info, sizeof(info));
	if (flag) {
		/* Even after a failed write: a reader must not wait forever. */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		top = (uint8_t)((info.state_entry_time &
				 ~XEN_RUNSTATE_UPDATE) >>
				56);
		(void)copy_to_guest(gva + ENTRY_TOP_OFFSET, &top, 1);
	}
}

void runstate_switch_in(struct vcpu *v)
{
	uint64_t gva = __atomic_load_n(&v->runstate.area_gva, __ATOMIC_RELAXED);

	if (gva) {
		write_area(v, gva);
	}
}

long runstate_register(struct vcpu *caller, struct vcpu *t, uint64_t gva)
{
	(void)caller; /* the current vCPU: copy_to_guest translates for it */
	__atomic_store_n(&t->runstate.area_gva, gva, __ATOMIC_RELAXED);
	if (gva) {
		write_area(t, gva);
	}
	return 0;
}

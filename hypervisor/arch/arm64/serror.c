/* SPDX-License-Identifier: MIT */
/*
 * Charging SErrors to the guest that caused them.
 *
 * With HCR_EL2.AMO set, a physical SError raised while a guest runs is
 * taken to EL2 at once (traps.c: trap_guest_serror). One still pending
 * when the guest exits stays pending at EL2, where PSTATE.A is masked, and
 * would be taken on the next entry to whichever guest runs then. So before
 * a pCPU's registers pass to another vCPU (vcpu.c), the pending SError is
 * synchronised and charged to the vCPU that last ran:
 *  - with FEAT_RAS, ESB with PSTATE.A masked defers it into DISR_EL1
 *    (Arm ARM D1.15.5);
 *  - without, PSTATE.A is unmasked for one ISB (entry.S: serror_window),
 *    where it is taken to the EL2 SError vector and recognised as pending
 *    from the guest by the address it was taken at.
 * A vCPU that returns to its own guest needs neither: the SError is taken
 * there and charged to it, so the hot trap path is unchanged. An SError
 * the hypervisor itself causes before a switch is charged to the vCPU it
 * was serving.
 */
#include <arch/sysreg.h>
#include <sable/domain.h>
#include <sable/log.h>

#include "arm64.h"
#include "../../core/sched_arch.h"
#include "cpu_state.h"

#define DISR_A (1UL << 31)

/* entry.S: 1 if an SError was taken in its unmasked window. */
uint64_t serror_window(void);

bool serror_sync(void)
{
	if (cpu_caps.ras) {
		uint64_t disr;

		__asm__ volatile("hint #16" ::: "memory"); /* ESB */
		disr = read_sysreg(DISR_EL1);
		if (disr & DISR_A) {
			write_sysreg(DISR_EL1, 0);
			return true;
		}
		return false;
	}
	return serror_window() != 0;
}

bool sched_arch_serror_sync(void)
{
	return serror_sync();
}

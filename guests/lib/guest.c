/* SPDX-License-Identifier: MIT */
#include "guest.h"

struct exc_record last_exc;
static unsigned int passed, failed;
static bool reported;

bool on_sable(void)
{
	char extra[XEN_EXTRAVERSION_LEN] = { 0 };

	HYPERVISOR_xen_version(XENVER_extraversion, extra);
	for (size_t i = 0; i + 5 < sizeof(extra); i++) {
		if (memcmp(extra + i, "sable", 5) == 0) {
			return true;
		}
	}
	return false;
}

void gprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gputs(buf);
}

void check(bool ok, const char *name, const char *fmt, ...)
{
	char detail[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (ok) {
		passed++;
	} else {
		failed++;
	}
	gprintf("GUEST-TEST %s: %s (%s)\n", name, ok ? "PASS" : "FAIL", detail);
}

void guest_shutdown(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };

	HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
}

void guest_report(void)
{
	if (!reported) {
		reported = true;
		gprintf("GUEST-RESULT: %u passed, %u failed\n", passed, failed);
	}
}

void guest_finish(void)
{
	guest_report();
	guest_shutdown(0);
	for (;;) {
		__asm__ volatile("wfi");
	}
}

void guest_exception(void);
void guest_exception(void)
{
	uint64_t esr, far, elr;

	__asm__ volatile("mrs %0, esr_el1" : "=r"(esr));
	__asm__ volatile("mrs %0, far_el1" : "=r"(far));
	__asm__ volatile("mrs %0, elr_el1" : "=r"(elr));
	last_exc.esr = esr;
	last_exc.far = far;
	last_exc.elr = elr;
	last_exc.count++;
	/* Skip the faulting instruction. */
	__asm__ volatile("msr elr_el1, %0" : : "r"(elr + 4));
}

void guest_start(const void *dtb);
void guest_start(const void *dtb)
{
	gfdt_init(dtb);
	console_init();
	guest_main(dtb);
	guest_finish();
}

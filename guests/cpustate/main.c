/* SPDX-License-Identifier: MIT */
/*
 * CPU state isolation between two domains sharing one pCPU
 * (docs/cpu-state.md). Bootargs: cpustate.role=writer|reader,
 * cpustate.rounds=N (yields).
 *
 * The writer sets pointer-authentication keys, MDSCR_EL1 and a breakpoint
 * (and checks it fires here), tries SVE and SME (hidden: UNDEFINED), then
 * yields repeatedly, checking after each yield that its state is intact.
 * The reader, on the same pCPU, checks that it sees only reset values or
 * its own, and that the writer's breakpoint never fires in it, both before
 * and after its own yields. Both images are the same, loaded at the same
 * IPA, so the breakpoint address means the same code in both.
 */
#include "guest.h"

#define MDSCR_TDCC (1UL << 12)
#define MDSCR_KDE (1UL << 13)
#define MDSCR_MDE (1UL << 15)
/* DBGBCR: E, PMC = EL1 and EL0, BAS = all four bytes. */
#define BCR_EXEC_EL1 0x1e7UL
#define EC_UNKNOWN 0x00
#define EC_BKPT_CUR 0x31
#define CPACR_ZEN_SMEN ((3UL << 16) | (3UL << 24))

#define READ(reg)                                              \
	({                                                     \
		uint64_t v__;                                  \
		__asm__ volatile("mrs %0, " #reg : "=r"(v__)); \
		v__;                                           \
	})
#define WRITE(reg, v) __asm__ volatile("msr " #reg ", %0" : : "r"((v)))

/* The breakpoint target: a nop the exception handler skips, then ret. */
void cs_bp_target(void);
__asm__(".text\n.global cs_bp_target\ncs_bp_target:\n nop\n ret\n");

struct pauth_keys {
	uint64_t k[10];
};

/* Address and generic authentication (this test sets both kinds of key). */
static bool has_pauth(void)
{
	uint64_t isar1 = READ(S3_0_C0_C6_1), isar2 = READ(S3_0_C0_C6_2);
	bool addr = ((isar1 >> 4) & 0xff) || ((isar2 >> 12) & 0xf);
	bool generic = ((isar1 >> 24) & 0xff) || ((isar2 >> 8) & 0xf);

	return addr && generic;
}

static void read_keys(struct pauth_keys *p)
{
	p->k[0] = READ(S3_0_C2_C1_0);
	p->k[1] = READ(S3_0_C2_C1_1);
	p->k[2] = READ(S3_0_C2_C1_2);
	p->k[3] = READ(S3_0_C2_C1_3);
	p->k[4] = READ(S3_0_C2_C2_0);
	p->k[5] = READ(S3_0_C2_C2_1);
	p->k[6] = READ(S3_0_C2_C2_2);
	p->k[7] = READ(S3_0_C2_C2_3);
	p->k[8] = READ(S3_0_C2_C3_0);
	p->k[9] = READ(S3_0_C2_C3_1);
}

static void write_keys(uint64_t pattern)
{
	WRITE(S3_0_C2_C1_0, pattern + 0);
	WRITE(S3_0_C2_C1_1, pattern + 1);
	WRITE(S3_0_C2_C1_2, pattern + 2);
	WRITE(S3_0_C2_C1_3, pattern + 3);
	WRITE(S3_0_C2_C2_0, pattern + 4);
	WRITE(S3_0_C2_C2_1, pattern + 5);
	WRITE(S3_0_C2_C2_2, pattern + 6);
	WRITE(S3_0_C2_C2_3, pattern + 7);
	WRITE(S3_0_C2_C3_0, pattern + 8);
	WRITE(S3_0_C2_C3_1, pattern + 9);
	__asm__ volatile("isb");
}

static bool keys_are(uint64_t pattern)
{
	struct pauth_keys p;

	read_keys(&p);
	for (unsigned int i = 0; i < 10; i++) {
		if (p.k[i] != (pattern ? pattern + i : 0)) {
			return false;
		}
	}
	return true;
}

/* PACGA with the current generic key. */
static uint64_t pacga(uint64_t a, uint64_t b)
{
	register uint64_t r0 __asm__("x0");
	register uint64_t r1 __asm__("x1") = a;
	register uint64_t r2 __asm__("x2") = b;

	__asm__ volatile(".inst 0x9ac23020" /* pacga x0, x1, x2 */
			 : "=r"(r0)
			 : "r"(r1), "r"(r2));
	return r0;
}

/* Call the breakpoint target with debug exceptions unmasked. */
static unsigned int bp_hits(void)
{
	uint64_t before = last_exc.count;
	unsigned int hits = 0;

	__asm__ volatile("msr daifclr, #8\n isb" ::: "memory");
	cs_bp_target();
	__asm__ volatile("msr daifset, #8\n isb" ::: "memory");
	if (last_exc.count != before && (last_exc.esr >> 26) == EC_BKPT_CUR) {
		hits++;
	}
	return hits;
}

/* Run one instruction (by encoding); the EC it raised, or -1 if none. */
#define TRY_INSN(enc)                                                        \
	({                                                                   \
		uint64_t before__ = last_exc.count;                          \
		__asm__ volatile(".inst " #enc ::: "x0", "memory");          \
		last_exc.count != before__ ? (int)(last_exc.esr >> 26) : -1; \
	})

static void id_registers(void)
{
	uint64_t pfr0 = READ(S3_0_C0_C4_0), pfr1 = READ(S3_0_C0_C4_1);
	uint64_t dfr0 = READ(S3_0_C0_C5_0), zfr0 = READ(S3_0_C0_C4_4);
	uint64_t smfr0 = READ(S3_0_C0_C4_5);

	check(((pfr0 >> 32) & 0xf) == 0, "id_sve_hidden", "pfr0 0x%lx",
	      (unsigned long)pfr0);
	check(zfr0 == 0 && smfr0 == 0, "id_zfr0_smfr0_zero",
	      "zfr0 0x%lx smfr0 0x%lx", (unsigned long)zfr0,
	      (unsigned long)smfr0);
	check(((pfr1 >> 24) & 0xf) == 0 && ((pfr1 >> 8) & 0xf) == 0,
	      "id_sme_mte_hidden", "pfr1 0x%lx", (unsigned long)pfr1);
	check(((dfr0 >> 8) & 0xf) == 0 && ((dfr0 >> 32) & 0xf) == 0,
	      "id_pmu_spe_hidden", "dfr0 0x%lx", (unsigned long)dfr0);
	check(((dfr0 >> 12) & 0xf) >= 1, "id_breakpoints_offered", "dfr0 0x%lx",
	      (unsigned long)dfr0);
}

static void hidden_features(void)
{
	int ec;

	/* Let EL1 allow SVE and SME so that only EL2 can refuse them. */
	WRITE(cpacr_el1, READ(cpacr_el1) | CPACR_ZEN_SMEN);
	__asm__ volatile("isb");
	ec = TRY_INSN(0x2538caa0); /* mov z0.b, #0x55 */
	check(ec == EC_UNKNOWN, "sve_write_undefined", "ec %d", ec);
	ec = TRY_INSN(0x04bf5020); /* rdvl x0, #1 */
	check(ec == EC_UNKNOWN, "sve_rdvl_undefined", "ec %d", ec);
	ec = TRY_INSN(0xd5181200); /* msr zcr_el1, x0 */
	check(ec == EC_UNKNOWN, "sve_zcr_undefined", "ec %d", ec);
	ec = TRY_INSN(0xd503477f); /* smstart */
	check(ec == EC_UNKNOWN, "sme_smstart_undefined", "ec %d", ec);
	ec = TRY_INSN(0xd53b9c00); /* mrs x0, pmcr_el0 */
	check(ec == EC_UNKNOWN, "pmu_pmcr_undefined", "ec %d", ec);
}

#define WRITER_KEYS 0x5157000000000000UL
#define READER_KEYS 0x7ead000000000000UL
#define WRITER_MDSCR (MDSCR_KDE | MDSCR_MDE)
#define READER_MDSCR MDSCR_TDCC

static void yield(void)
{
	HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

static void writer(unsigned long rounds, bool pauth)
{
	uint64_t bp = (uint64_t)(uintptr_t)cs_bp_target;
	uint64_t pac = 0;
	unsigned int bad = 0, hits;

	if (pauth) {
		write_keys(WRITER_KEYS);
		check(keys_are(WRITER_KEYS), "writer_pauth_keys_set",
		      "pauth %d", pauth);
		pac = pacga(1, 2);
	}
	WRITE(oslar_el1, 0UL);
	WRITE(mdscr_el1, WRITER_MDSCR);
	WRITE(dbgbvr0_el1, bp);
	WRITE(dbgbcr0_el1, BCR_EXEC_EL1);
	__asm__ volatile("isb");
	check(READ(mdscr_el1) == WRITER_MDSCR && READ(dbgbvr0_el1) == bp &&
		      READ(dbgbcr0_el1) == BCR_EXEC_EL1,
	      "writer_debug_set", "mdscr 0x%lx",
	      (unsigned long)READ(mdscr_el1));
	hits = bp_hits();
	check(hits == 1, "writer_breakpoint_fires", "hits %u", hits);
	hidden_features();
	for (unsigned long i = 0; i < rounds; i++) {
		yield();
		if ((pauth && (!keys_are(WRITER_KEYS) || pacga(1, 2) != pac)) ||
		    READ(mdscr_el1) != WRITER_MDSCR ||
		    READ(dbgbvr0_el1) != bp ||
		    READ(dbgbcr0_el1) != BCR_EXEC_EL1) {
			bad++;
		}
	}
	hits = bp_hits();
	check(bad == 0 && hits == 1, "writer_state_kept_across_yields",
	      "%u bad rounds of %lu, breakpoint hits %u", bad, rounds, hits);
}

static void reader(unsigned long rounds, bool pauth)
{
	unsigned int bad = 0, hits = 0;
	uint64_t oslsr = READ(oslsr_el1);

	/* Reset values first (the writer has run or will run in between). */
	yield();
	check(!pauth || keys_are(0), "reader_pauth_keys_reset", "pauth %d",
	      pauth);
	check(READ(mdscr_el1) == 0 && READ(dbgbvr0_el1) == 0 &&
		      READ(dbgbcr0_el1) == 0,
	      "reader_debug_reset", "mdscr 0x%lx bcr0 0x%lx",
	      (unsigned long)READ(mdscr_el1), (unsigned long)READ(dbgbcr0_el1));
	check(oslsr & 2, "reader_os_lock_own", "oslsr 0x%lx",
	      (unsigned long)oslsr);
	if (pauth) {
		write_keys(READER_KEYS);
	}
	WRITE(oslar_el1, 0UL);
	WRITE(mdscr_el1, READER_MDSCR);
	__asm__ volatile("isb");
	for (unsigned long i = 0; i < rounds; i++) {
		yield();
		if ((pauth && !keys_are(READER_KEYS)) ||
		    READ(mdscr_el1) != READER_MDSCR || READ(dbgbvr0_el1) != 0 ||
		    READ(dbgbcr0_el1) != 0) {
			bad++;
		}
		hits += bp_hits();
	}
	check(bad == 0, "reader_sees_only_its_own_state",
	      "%u bad rounds of %lu", bad, rounds);
	check(hits == 0, "reader_writer_breakpoint_never_fires", "hits %u",
	      hits);
	hidden_features();
}

void guest_main(const void *dtb)
{
	char role[16] = "";
	unsigned long rounds = gfdt_arg_ulong("cpustate.rounds", 50);
	bool pauth = has_pauth();

	(void)dtb;
	gfdt_arg("cpustate.role", role, sizeof(role));
	gprintf("cpustate: role %s, %lu rounds, pauth %d\n", role, rounds,
		pauth);
	id_registers();
	if (strcmp(role, "writer") == 0) {
		writer(rounds, pauth);
	} else if (strcmp(role, "reader") == 0) {
		reader(rounds, pauth);
	} else {
		check(false, "cpustate_role", "unknown role '%s'", role);
	}
}

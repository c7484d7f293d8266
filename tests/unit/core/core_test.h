/* SPDX-License-Identifier: MIT */
/*
 * Harness of the host tests of the whole core. Every test runs in a fresh
 * process (main.c) on a fresh machine: a RAM arena of HX_RAM_SIZE at
 * HOST_RAM_BASE under the real page allocator, two pCPUs, no domain.
 *
 * Domains are made either by the boot flow from a device tree
 * (hx_fdt_machine() + hx_boot()) or with domain_create() and RAM given the
 * way domu_build.c gives it (hx_domain()). Hypercalls go through the real
 * hypercall_dispatch() as the vCPU made current, with their arguments in
 * the domain's guest memory (the guest's stage 1 is off: VA == IPA).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sable/domain.h>
#include <sable/errno.h>
#include <sable/machine.h>

#include "core_host.h"
#include "domu.h"
#include "ut.h"

#define HX_RAM_SIZE (256ULL << 20)
#define HX_NR_CPUS 2
/*
 * Two host threads racing as two pCPUs: wait until both have arrived at
 * @phase (1, 2, ...), counted in *@arrived (two arrivals per phase).
 */
void hx_race_barrier(unsigned int *arrived, unsigned int phase);
/* Default RAM of hx_domain() guests and where hypercall arguments go. */
#define HX_DOM_MEM (8ULL << 20)
#define HX_ARG0 (GUEST_RAM_BASE + 0x100000)
#define HX_ARG1 (GUEST_RAM_BASE + 0x101000)
#define HX_ARG2 (GUEST_RAM_BASE + 0x102000)
/* A RAM page tests use freely (FIFO control blocks, vcpu_info...). */
#define HX_PAGE(n) (GUEST_RAM_BASE + 0x200000 + (uint64_t)(n)*PAGE_SIZE)
#define HX_GFN(ipa) ((ipa) >> PAGE_SHIFT)
/* A hole in every hx_domain() guest's map, for add_to_physmap. */
#define HX_FREE_GFN(n) (HX_GFN(GUEST_GNTTAB_BASE) + (uint64_t)(n))

/* Called by main.c in each test's process before the test. */
void hx_machine_init(void);

/*
 * domain_create() plus @mem bytes of zeroed RAM at GUEST_RAM_BASE (one
 * 2 MiB-aligned allocation mapped p2m_ram_rw, as domu_build.c does) and
 * the vGIC windows. Fails the test if anything fails.
 */
struct domain *hx_domain(domid_t id, unsigned int nr_vcpus, bool privileged,
			 uint64_t mem);

/* Make @v the running vCPU of its pCPU (taken off its run queue). */
void hx_set_current(struct vcpu *v);

/*
 * Issue hypercall @nr as @v (made current) through hypercall_dispatch().
 * hx_call() fails the test unless the call returns to the guest.
 */
long hx_call(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1,
	     uint64_t a2);
/* The same, reporting how it ended (*rc only when it returned). */
enum host_stop_kind hx_call_stop(struct vcpu *v, uint64_t nr,
				 const uint64_t args[5], long *rc,
				 struct host_stop *stop);

/*
 * Bodies for host_run(): what a pCPU does on EL2 when it enters the
 * scheduler after an interrupt (sched_run()), takes a reschedule request
 * (sched_preempt_current()) or traps its current vCPU's WFI
 * (sched_block_current()).
 */
void hx_run_fn(void *arg);
void hx_preempt_fn(void *arg);
void hx_block_fn(void *arg);
/* pCPU @id chooses, as it does after a trap or an interrupt. */
enum host_stop_kind hx_run_pcpu(unsigned int id, struct host_stop *stop);

/*
 * Hypercall @nr, sub-op @cmd, by vCPU 0 of @d with its @len-byte argument
 * @arg placed at hx_arg(@d, 0) and @a2 as the third argument (a count);
 * hx_op() then reads the argument back into @arg. The call's result.
 */
long hx_op(struct domain *d, uint64_t nr, uint64_t cmd, void *arg, size_t len,
	   uint64_t a2);
long hx_op_in(struct domain *d, uint64_t nr, uint64_t cmd, const void *arg,
	      size_t len, uint64_t a2);

/*
 * Sable's control hypercall by vCPU 0 of @d with @c at HX_ARG0, read back
 * into @c; the call's result.
 */
struct sable_ctl;
long hx_ctl(struct domain *d, struct sable_ctl *c);

/* Guest memory of @d at IPA @ipa (through its stage 2); fail if unmapped. */
void hx_put(struct domain *d, uint64_t ipa, const void *buf, size_t len);
void hx_get(struct domain *d, uint64_t ipa, void *buf, size_t len);
/* Host pointer of @d's IPA @ipa, NULL if unmapped. */
void *hx_va(struct domain *d, uint64_t ipa);
/* Stage-2 type of @d's gfn (p2m_invalid when unmapped). */
enum p2m_type hx_type(struct domain *d, uint64_t gfn);

/* ---- boot from a device tree -------------------------------------------- */

struct hx_domu {
	const char *name;
	uint64_t mem_kib;
	unsigned int vcpus;
	bool vpl011, enhanced;
	bool ramdisk; /* a ramdisk module (hx_kernel's bytes) */
	bool bad_kernel; /* the kernel module is not an arm64 Image */
	const uint8_t *kernel; /* if not NULL: this 4 KiB Image instead */
	const char *bootargs; /* if not NULL: instead of "console=hvc0" */
	unsigned int weight, cap; /* sable,weight and sable,cap if not 0 */
	/* sable,on-poweroff, -reboot, -crash values if not NULL. */
	const char *on_poweroff, *on_reboot, *on_crash;
};

/*
 * Write a QEMU-virt-like machine device tree into @buf: the arena as RAM,
 * @nr_cpus CPUs, GICv3, a PL011 console, one passed-through device
 * (HX_DEV_BASE, SPI HX_DEV_SPI), PSCI, and in /chosen @cmdline, a dom0
 * kernel module (if @dom0) and the boot-time domains @domus[0..@nr_domus).
 */
#define HX_GICD 0x08000000ULL
#define HX_GICR 0x080a0000ULL
#define HX_UART 0x09000000ULL
#define HX_DEV_BASE 0x0a000000ULL
#define HX_DEV_SPI 16
void hx_fdt_machine(void *buf, int size, unsigned int nr_cpus,
		    const char *cmdline, bool dom0, const struct hx_domu *domus,
		    unsigned int nr_domus);

/* The boot flow of arm64's setup.c from machine_parse() to boot_main(). */
enum host_stop_kind hx_boot(const void *fdt, struct host_stop *stop);
/* The machine hx_boot() parsed. */
extern struct machine hx_boot_machine;
/* A fake arm64 Image (text_offset 0, image_size 64 KiB). */
extern uint8_t hx_kernel[4096];

/* The console has no "sable: ERROR" line. */
bool hx_console_clean(void);

/* ---- guest-side helpers ---------------------------------------------------- */

/*
 * Write grant entry @ref of @d as its guest would (through the table's
 * frame): @grantee may map @gfn with GTF_* @flags.
 */
void hx_grant(struct domain *d, uint32_t ref, domid_t grantee, uint64_t gfn,
	      uint16_t flags);
uint16_t hx_grant_flags(struct domain *d, uint32_t ref);

/* EVTCHNOP_alloc_unbound by @d for @remote; the port, or fail. */
uint32_t hx_evtchn_unbound(struct domain *d, domid_t remote);
/* EVTCHNOP_bind_interdomain by @d to @remote's @rport; the local port. */
uint32_t hx_evtchn_bind(struct domain *d, domid_t remote, uint32_t rport);
/* EVTCHNOP_send by vCPU 0 of @d. */
long hx_evtchn_send(struct domain *d, uint32_t port);

/* XENMEM_add_to_physmap by @d: its grant frame @idx at @gfn; the result. */
long hx_add_grant_frame(struct domain *d, uint64_t idx, uint64_t gfn);
/*
 * GNTTABOP_map_grant_ref by @d of @granter's @ref at IPA @addr; returns
 * the status, *handle the handle.
 */
int16_t hx_map_grant(struct domain *d, domid_t granter, uint32_t ref,
		     uint64_t addr, uint32_t flags, uint32_t *handle);
int16_t hx_unmap_grant(struct domain *d, uint64_t addr, uint32_t handle);
/* GNTTABOP_cache_flush of one request by @d; the call's result. */
long hx_cache_flush(struct domain *d, uint64_t maddr, uint16_t offset,
		    uint16_t len, uint32_t op);
/* Machine address of @d's IPA @ipa (0 if unmapped). */
uint64_t hx_maddr(struct domain *d, uint64_t ipa);

/*
 * EVTCHNOP_init_control by @d: @vcpu's FIFO control block at @offset in
 * @gfn; the call's result, *link_bits (if given) what it wrote back.
 */
long hx_evtchn_init_control(struct domain *d, uint64_t gfn, uint32_t offset,
			    uint32_t vcpu, uint8_t *link_bits);
/* EVTCHNOP_expand_array by @d with the event array page @gfn. */
long hx_evtchn_expand_array(struct domain *d, uint64_t gfn);
/* VCPUOP_register_vcpu_info by @d for its vCPU @vcpu at @gfn + @offset. */
long hx_vcpu_info_at(struct domain *d, unsigned int vcpu, uint64_t gfn,
		     uint32_t offset);
/*
 * XENMEM_add_to_physmap_batch by @d of one frame @idx of domain @fd
 * (XENMAPSPACE_gmfn_foreign) at @gpfn; the call's result, *err the
 * frame's.
 */
long hx_foreign_map(struct domain *d, domid_t fd, uint64_t idx, uint64_t gpfn,
		    int32_t *err);
/* XENMEM_remove_from_physmap by @d of its @gfn. */
long hx_remove_gfn(struct domain *d, uint64_t gfn);

/* A 4-byte guest MMIO write by @v through mmio_dispatch(); its result. */
int hx_mmio_write(struct vcpu *v, uint64_t ipa, uint32_t val);
/*
 * What a guest's GIC driver does before it can take the event upcall:
 * enable Group 1 in GICD_CTLR, put PPI 31 in Group 1 and enable it on
 * vCPU @vcpu's redistributor.
 */
void hx_enable_upcall(struct domain *d, unsigned int vcpu);

/*
 * Argument page @n of any domain (dom0's RAM is 1:1): 1 MiB into its RAM,
 * past a boot kernel, before its device tree. HX_ARG<n> for hx_domain().
 */
uint64_t hx_arg(struct domain *d, unsigned int n);
/* memory_op @op (a reservation) by @d of the single extent @gfn. */
long hx_reserve(struct domain *d, unsigned int op, uint64_t gfn);

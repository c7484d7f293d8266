/* SPDX-License-Identifier: MIT */
/* arm64-internal interfaces between the files of hypervisor/arch/arm64. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <arch/regs.h>

struct vcpu;

extern bool semihosting_enabled;
extern uint32_t uart_spi;

/* uart.c */
void uart_init(uint64_t base);
void uart_enable_rx_irq(void);
void uart_ack_irq(void);

/* psci.c */
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx);
void psci_system_off(void);
void psci_system_reset(void);

/* mmu.c */
void mmu_setup_tables(uint64_t ram_base, uint64_t ram_size);
void mmu_enable(void);

/* gicv3.c */
#define GIC_SGI_RESCHED 0
#define GIC_PPI_MAINT 25
#define GIC_PPI_HYPTIMER 26
#define GIC_PPI_VTIMER 27
int gic_init(uint64_t dist, uint64_t redist, uint64_t redist_size);
int gic_cpu_init(void);
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);
void gic_deactivate(uint32_t intid);
void gic_send_sgi(unsigned int cpu, unsigned int sgi);
void gic_enable_irq(uint32_t intid, unsigned int cpu);
void gic_disable_irq(uint32_t intid);
unsigned int gic_nr_lrs(void);
uint64_t gic_dist_base(void);
uint64_t gic_redist_base(void);
unsigned int gic_nr_spis(void);

/* timer.c */
void timer_cpu_init(void);
void timer_set_deadline(uint64_t cval);
void timer_cancel(void);
void timer_expire_parked(void);
bool vcpu_arch_wfi_wait(struct vcpu *v);

/* traps.c / inject.c */
void inject_undef(struct cpu_regs *regs);
void inject_dabt(struct cpu_regs *regs, uint64_t far);

/* entry.S */
extern char el2_vectors[];
__attribute__((noreturn)) void arch_enter_frame(struct cpu_regs *frame);
/* Run the scheduler on this pCPU's stack from @frame down. */
__attribute__((noreturn)) void arch_sched_restart(struct cpu_regs *frame);

/* vgic_arm64.c */
struct domain;
void vgic_arch_exit(struct vcpu *v);
void vgic_arch_enter(struct vcpu *v);
void vgic_arch_save(struct vcpu *v);
void vgic_arch_restore(struct vcpu *v);
void vgic_arch_maintenance(void);
bool vgic_arch_sysreg(struct vcpu *v, uint64_t iss, uint64_t val);
bool vgic_arch_forward(uint32_t intid);
void vgic_arch_vtimer_fired(struct vcpu *v);

/* vcpu.c */
void vcpu_arch_unload(struct vcpu *v);
/* Going idle: save a loaded vCPU that migrated away (vcpu.c). */
void vcpu_arch_release_moved(void);

/* setup.c */
struct cpu_regs *arch_stack_frame(void);
void secondary_entry(void);

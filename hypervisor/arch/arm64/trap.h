/* SPDX-License-Identifier: MIT */
/* Trap handlers of hypervisor/arch/arm64, by family. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <arch/regs.h>

struct vcpu;

/* psci_guest.c: PSCI / SMCCC from the guest (x0 function id). */
void psci_guest_call(struct vcpu *v, struct cpu_regs *regs);
/* mmio.c: stage-2 data abort on an emulated or unmapped address. */
void mmio_guest_abort(struct vcpu *v, struct cpu_regs *regs, uint64_t esr);
/* The faulting IPA of a stage-2 abort (HPFAR_EL2 and FAR_EL2). */
uint64_t stage2_fault_ipa(void);
/* A fault another pCPU's stage-2 update caused: retry the access. */
bool stage2_fault_was_transient(struct vcpu *v, uint64_t ipa, uint64_t esr);
/* sysreg.c: trapped MSR/MRS. */
void sysreg_guest_trap(struct vcpu *v, struct cpu_regs *regs, uint64_t esr);
/* inject.c */
void inject_iabt(struct cpu_regs *regs, uint64_t far);
/* irq.c */
void irq_handle(uint32_t intid);
/* Before returning to the guest: reschedule if asked. */
void trap_exit_check(struct vcpu *v);

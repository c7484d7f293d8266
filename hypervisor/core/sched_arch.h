/* SPDX-License-Identifier: MIT */
/* Scheduler hooks into the arch code (vCPU save) and device models. */
#pragma once

#include <stdbool.h>

struct vcpu;

/* Copy the trapped vCPU's register frame into v (it leaves the pCPU). */
void sched_arch_save_current(struct vcpu *v);
/* An interrupt is pending for v in its virtual interrupt controller. */
bool sched_arch_has_work(struct vcpu *v);

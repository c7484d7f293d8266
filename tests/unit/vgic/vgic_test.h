/* SPDX-License-Identifier: MIT */
/* Helpers shared by the vGIC test files. */
#pragma once

#include <sable/vgic.h>

#include "fake_env.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_TYPER2 0x000c
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000
#define GICD_PIDR2 0xffe8

#define GICR_CTLR 0x0000
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define GICR_PIDR2 0xffe8
#define GICR_SGI 0x10000

/* Linux's GICD_CTLR value: ARE_NS | EnableGrp1A | EnableGrp1. */
#define LINUX_GICD_CTLR 0x13u

extern struct vgic tg;

void tg_setup(unsigned int nr_vcpus, unsigned int nr_spis);
void tg_teardown(void);
uint64_t dist_rd(uint64_t off, unsigned int size);
void dist_wr(uint64_t off, unsigned int size, uint64_t val);
uint64_t redist_rd(unsigned int vcpu, uint64_t off, unsigned int size);
void redist_wr(unsigned int vcpu, uint64_t off, unsigned int size,
	       uint64_t val);
/* Enable SPI/PPI/SGI @intid (of @vcpu if private) with priority @prio,
 * edge or level, routed to @vcpu. */
void tg_setup_irq(unsigned int vcpu, unsigned int intid, uint8_t prio,
		  bool edge);

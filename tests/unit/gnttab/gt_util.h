/* SPDX-License-Identifier: MIT */
/* Helpers shared by the grant-table unit tests. */
#pragma once

#include <stdint.h>

#include <sable/alloc.h>
#include <sable/errno.h>

#include "fake_env.h"
#include "gnttab.h"
#include "ut.h"

#define D0 0
#define D1 1
#define D2 2
#define MAP_IPA(i) (0x80000000ULL + ((uint64_t)(i) << 12))

/* Fresh world: dom0 (privileged), d1, d2 with 4 grant frames each. */
void gt_setup(void);
extern struct fake_dom *dom0, *dom1, *dom2;

long gt_op(struct fake_dom *caller, unsigned int cmd, void *ops,
	   unsigned int count);
/* Map @ref of @granter into @mapper at @ipa; returns status, *handle. */
int16_t gt_map(struct fake_dom *mapper, struct fake_dom *granter, uint32_t ref,
	       uint64_t ipa, uint32_t flags, uint32_t *handle);
int16_t gt_unmap(struct fake_dom *mapper, uint64_t ipa, uint32_t handle);
uint16_t gt_flags(struct fake_dom *fd, uint32_t ref);

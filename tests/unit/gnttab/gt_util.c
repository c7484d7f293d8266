// SPDX-License-Identifier: MIT
#include "gt_util.h"

struct fake_dom *dom0, *dom1, *dom2;

void gt_setup(void)
{
	fake_reset();
	dom0 = fake_dom_create(D0, 4, 2, true);
	dom1 = fake_dom_create(D1, 4, 2, false);
	dom2 = fake_dom_create(D2, 4, 2, false);
	ASSERT_TRUE(dom0 && dom1 && dom2);
}

long gt_op(struct fake_dom *caller, unsigned int cmd, void *ops,
	   unsigned int count)
{
	return gnttab_hypercall(&caller->gd, cmd, (uint64_t)(uintptr_t)ops,
				count);
}

int16_t gt_map(struct fake_dom *mapper, struct fake_dom *granter, uint32_t ref,
	       uint64_t ipa, uint32_t flags, uint32_t *handle)
{
	struct gnttab_map_grant_ref op = {
		.host_addr = ipa,
		.flags = flags,
		.ref = ref,
		.dom = granter ? granter->id : 0x7000,
		.status = 99,
	};

	ASSERT_EQ(gt_op(mapper, GNTTABOP_map_grant_ref, &op, 1), 0);
	if (handle) {
		*handle = op.handle;
	}
	return op.status;
}

int16_t gt_unmap(struct fake_dom *mapper, uint64_t ipa, uint32_t handle)
{
	struct gnttab_unmap_grant_ref op = {
		.host_addr = ipa,
		.handle = handle,
		.status = 99,
	};

	ASSERT_EQ(gt_op(mapper, GNTTABOP_unmap_grant_ref, &op, 1), 0);
	return op.status;
}

uint16_t gt_flags(struct fake_dom *fd, uint32_t ref)
{
	return __atomic_load_n(&fake_entry(fd, ref)->flags, __ATOMIC_ACQUIRE);
}

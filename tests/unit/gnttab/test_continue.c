// SPDX-License-Identifier: MIT
/*
 * Batches that stop part-way (gnttab_hypercall_preemptible): the caller
 * re-issues them as the hypervisor's continuation does, and the result is
 * the same as one uninterrupted call.
 */
#include "host.h"
#include "gt_util.h"

struct preempt_plan {
	unsigned int every; /* say "stop" on every @every-th question */
	unsigned int asked;
};

static bool plan_preempt(void *ctx)
{
	struct preempt_plan *p = ctx;

	return ++p->asked % p->every == 0;
}

/*
 * Run @cmd over @count ops at @ops the way the hypervisor does: each
 * GNTTAB_PREEMPTED becomes a new call with the rest. *pieces gets the
 * number of calls made.
 */
static long run_in_pieces(struct fake_dom *caller, unsigned int cmd, void *ops,
			  unsigned int count, unsigned int every,
			  unsigned int *pieces)
{
	struct preempt_plan plan = { .every = every };
	struct gnttab_progress p = { .preempt = plan_preempt, .ctx = &plan };
	uint64_t arg = (uint64_t)(uintptr_t)ops;
	long rc;

	*pieces = 0;
	for (;;) {
		++*pieces;
		rc = gnttab_hypercall_preemptible(&caller->gd, cmd, arg, count,
						  &p);
		if (rc != GNTTAB_PREEMPTED) {
			return rc;
		}
		ASSERT_TRUE(p.left > 0 && p.left < count);
		ASSERT_EQ(p.next_arg,
			  arg + (uint64_t)(count - p.left) *
					  sizeof(struct gnttab_copy));
		arg = p.next_arg;
		count = p.left;
	}
}

static void own_copy(struct gnttab_copy *c, unsigned int i)
{
	*c = (struct gnttab_copy){ 0 };
	c->source.u.gmfn = fake_gfn(0);
	c->source.domid = DOMID_SELF;
	c->source.offset = (uint16_t)i;
	c->dest.u.gmfn = fake_gfn(1);
	c->dest.domid = DOMID_SELF;
	c->dest.offset = (uint16_t)i;
	c->len = 1;
	c->status = 99;
}

TEST(gnttab_continue_copy_batch_in_pieces_does_every_op_once)
{
	struct gnttab_copy c[10];
	uint8_t *src, *dst;
	unsigned int pieces, i;

	gt_setup();
	src = fake_gfn_va(dom1, fake_gfn(0));
	dst = fake_gfn_va(dom1, fake_gfn(1));
	for (i = 0; i < 10; i++) {
		src[i] = (uint8_t)(0xa0 + i);
		own_copy(&c[i], i);
	}
	EXPECT_EQ(run_in_pieces(dom1, GNTTABOP_copy, c, 10, 3, &pieces), 0);
	EXPECT_EQ(pieces, 4); /* 3 + 3 + 3 + 1 */
	for (i = 0; i < 10; i++) {
		EXPECT_EQ(c[i].status, GNTST_okay);
		EXPECT_EQ(dst[i], 0xa0 + i);
	}
	EXPECT_EQ(fake_page_refs(fake_gfn_mfn(dom1, fake_gfn(0))), 1);
}

TEST(gnttab_continue_every_piece_makes_progress)
{
	struct gnttab_copy c[5];
	unsigned int pieces, i;

	gt_setup();
	for (i = 0; i < 5; i++) {
		own_copy(&c[i], i);
	}
	/* Preemption always pending: one op per piece, never zero. */
	EXPECT_EQ(run_in_pieces(dom1, GNTTABOP_copy, c, 5, 1, &pieces), 0);
	EXPECT_EQ(pieces, 5);
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(c[i].status, GNTST_okay);
	}
}

TEST(gnttab_continue_reports_done_k_of_n)
{
	struct preempt_plan plan = { .every = 4 };
	struct gnttab_progress p = { .preempt = plan_preempt, .ctx = &plan };
	struct gnttab_copy c[7];
	unsigned int i;

	gt_setup();
	for (i = 0; i < 7; i++) {
		own_copy(&c[i], i);
	}
	EXPECT_EQ(gnttab_hypercall_preemptible(&dom1->gd, GNTTABOP_copy,
					       (uint64_t)(uintptr_t)c, 7, &p),
		  GNTTAB_PREEMPTED);
	/* Asked before ops 1..4: the fourth answer stops it, 4 of 7 done. */
	EXPECT_EQ(p.left, 3);
	EXPECT_EQ(p.next_arg, (uint64_t)(uintptr_t)&c[4]);
	EXPECT_EQ(c[3].status, GNTST_okay);
	EXPECT_EQ(c[4].status, 99);
}

TEST(gnttab_continue_huge_count_ends_with_efault_at_the_bad_op)
{
	struct gnttab_copy c[6];
	unsigned int pieces, i;
	uint64_t end;

	gt_setup();
	for (i = 0; i < 6; i++) {
		own_copy(&c[i], i);
	}
	/* Everything after c[3] faults: a count of 2^31 - 1 stops there. */
	end = (uint64_t)(uintptr_t)&c[4];
	host_guest_fault_range(end, UINT64_MAX);
	EXPECT_EQ(
		run_in_pieces(dom1, GNTTABOP_copy, c, 0x7fffffffU, 2, &pieces),
		-EFAULT);
	host_guest_fault_range(0, 0);
	EXPECT_EQ(pieces, 3); /* 2 + 2, then the fault */
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(c[i].status, GNTST_okay);
	}
	EXPECT_EQ(c[4].status, 99);
}

TEST(gnttab_continue_count_of_2_31_is_still_invalid)
{
	struct preempt_plan plan = { .every = 1 };
	struct gnttab_progress p = { .preempt = plan_preempt, .ctx = &plan };
	struct gnttab_copy c;

	gt_setup();
	own_copy(&c, 0);
	EXPECT_EQ(gnttab_hypercall_preemptible(&dom1->gd, GNTTABOP_copy,
					       (uint64_t)(uintptr_t)&c,
					       0x80000000U, &p),
		  -EINVAL);
	EXPECT_EQ(plan.asked, 0);
	EXPECT_EQ(c.status, 99);
}

TEST(gnttab_continue_map_and_unmap_batches_in_pieces)
{
	struct gnttab_map_grant_ref m[4];
	struct gnttab_unmap_grant_ref u[4];
	struct preempt_plan plan = { .every = 1 };
	struct gnttab_progress p = { .preempt = plan_preempt, .ctx = &plan };
	uint64_t arg;
	unsigned int count, pieces, i;
	long rc;

	gt_setup();
	fake_grant(dom1, 70, D2, fake_gfn(0), GTF_permit_access);
	for (i = 0; i < 4; i++) {
		m[i] = (struct gnttab_map_grant_ref){ .host_addr = MAP_IPA(i),
						      .flags = GNTMAP_host_map,
						      .ref = 70,
						      .dom = D1 };
	}
	arg = (uint64_t)(uintptr_t)m;
	count = 4;
	pieces = 0;
	do {
		pieces++;
		rc = gnttab_hypercall_preemptible(
			&dom2->gd, GNTTABOP_map_grant_ref, arg, count, &p);
		arg = p.next_arg;
		count = p.left;
	} while (rc == GNTTAB_PREEMPTED);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(pieces, 4);
	EXPECT_EQ(fake_s2_count(dom2), 4);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(m[i].status, GNTST_okay);
		u[i] = (struct gnttab_unmap_grant_ref){ .host_addr = MAP_IPA(i),
							.handle = m[i].handle,
							.status = 99 };
	}
	arg = (uint64_t)(uintptr_t)u;
	count = 4;
	pieces = 0;
	do {
		pieces++;
		rc = gnttab_hypercall_preemptible(
			&dom2->gd, GNTTABOP_unmap_grant_ref, arg, count, &p);
		if (rc == GNTTAB_PREEMPTED) {
			EXPECT_EQ(p.next_arg,
				  arg + (count - p.left) * sizeof(u[0]));
		}
		arg = p.next_arg;
		count = p.left;
	} while (rc == GNTTAB_PREEMPTED);
	EXPECT_EQ(rc, 0);
	EXPECT_EQ(pieces, 4);
	EXPECT_EQ(fake_s2_count(dom2), 0);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(u[i].status, GNTST_okay);
	}
	EXPECT_EQ(gt_flags(dom1, 70), GTF_permit_access);
}

TEST(gnttab_continue_single_structure_ops_are_never_split)
{
	struct preempt_plan plan = { .every = 1 };
	struct gnttab_progress p = { .preempt = plan_preempt, .ctx = &plan };
	struct gnttab_query_size q = { .dom = DOMID_SELF };

	gt_setup();
	EXPECT_EQ(gnttab_hypercall_preemptible(&dom1->gd, GNTTABOP_query_size,
					       (uint64_t)(uintptr_t)&q, 1, &p),
		  0);
	EXPECT_EQ(q.status, GNTST_okay);
	EXPECT_EQ(plan.asked, 0);
}

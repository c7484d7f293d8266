/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the stage-2 builder with sequences of map and unmap operations
 * (some with page allocation made to fail) and compare the tables with a
 * reference model: a map from each 4 KiB page to (PA, type), kept as
 * sorted runs of pages. After every operation the whole table tree is
 * walked the way the MMU walks it and must describe exactly the model,
 * with no leaf larger than the block limit the input picks first.
 */
#include <stdlib.h>
#include <string.h>

#include <sable/errno.h>

#include "p2m_host.h"
#include "p2m_test.h"

#define MAX_OPS 48
#define MAX_RUNS 1024

struct run {
	uint64_t ipa, end, pa;
	unsigned int type;
};

struct runs {
	unsigned int n;
	bool overflow;
	struct run r[MAX_RUNS];
};

struct input {
	const uint8_t *data;
	size_t len;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct runs model, seen, norm;

static uint64_t take(struct input *in, unsigned int bytes)
{
	uint64_t v = 0;

	while (bytes--) {
		v <<= 8;
		if (in->len) {
			v |= *in->data++;
			in->len--;
		}
	}
	return v;
}

static void push(struct runs *rs, uint64_t ipa, uint64_t end, uint64_t pa,
		 unsigned int type)
{
	struct run *last = rs->n ? &rs->r[rs->n - 1] : NULL;

	if (last && last->end == ipa && last->type == type &&
	    last->pa + (last->end - last->ipa) == pa) {
		last->end = end;
		return;
	}
	if (rs->n == MAX_RUNS) {
		rs->overflow = true;
		return;
	}
	rs->r[rs->n++] = (struct run){ ipa, end, pa, type };
}

/* model := model without [ipa, end), plus (ipa, end) -> pa if type != 0. */
static void model_set(uint64_t ipa, uint64_t end, uint64_t pa,
		      unsigned int type)
{
	static struct runs out;
	bool placed = false;
	unsigned int i;

	out.n = 0;
	out.overflow = false;
	for (i = 0; i < model.n; i++) {
		struct run r = model.r[i];

		if (r.ipa < ipa) {
			push(&out, r.ipa, MIN(r.end, ipa), r.pa, r.type);
		}
		if (r.end > end) {
			uint64_t s = MAX(r.ipa, end);

			if (!placed && type) {
				push(&out, ipa, end, pa, type);
			}
			placed = true;
			push(&out, s, r.end, r.pa + (s - r.ipa), r.type);
		}
	}
	if (!placed && type) {
		push(&out, ipa, end, pa, type);
	}
	if (out.overflow) {
		abort();
	}
	model = out;
}

static bool model_lookup(uint64_t ipa, uint64_t *pa, unsigned int *type)
{
	unsigned int i;

	for (i = 0; i < model.n; i++) {
		if (ipa >= model.r[i].ipa && ipa < model.r[i].end) {
			*pa = model.r[i].pa + (ipa - model.r[i].ipa);
			*type = model.r[i].type;
			return true;
		}
	}
	return false;
}

/* Expected attribute bits [63:2] (minus OA) of a leaf of each type. */
static uint64_t leaf_attrs(unsigned int type)
{
	static const uint64_t memattr_ap_xn[] = {
		[p2m_ram_rw] = (0xfULL << 2) | (3ULL << 6),
		[p2m_ram_ro] = (0xfULL << 2) | (1ULL << 6),
		[p2m_mmio] = (0x1ULL << 2) | (3ULL << 6) | (2ULL << 53),
		[p2m_grant_rw] = (0xfULL << 2) | (3ULL << 6) | (2ULL << 53),
		[p2m_grant_ro] = (0xfULL << 2) | (1ULL << 6) | (2ULL << 53),
		[p2m_foreign_rw] = (0xfULL << 2) | (3ULL << 6) | (2ULL << 53),
		[p2m_foreign_ro] = (0xfULL << 2) | (1ULL << 6) | (2ULL << 53),
	};

	if (type == 0 || type >= ARRAY_SIZE(memattr_ap_xn)) {
		abort();
	}
	return memattr_ap_xn[type] | (3ULL << 8) | (1ULL << 10) |
	       ((uint64_t)type << 55);
}

static void collect_leaf(void *ctx, uint64_t ipa, uint64_t size, uint64_t d)
{
	unsigned int type = (unsigned int)((d >> 55) & 0xf);
	uint64_t oa = d & 0x0000fffffffff000ULL;

	(void)ctx;
	if ((d & ~0x0000fffffffff003ULL) != leaf_attrs(type) ||
	    (oa & (size - 1)) || size > p2m_block_limit()) {
		abort();
	}
	push(&seen, ipa, ipa + size, oa, type);
}

static void check_tables(struct p2m *p)
{
	struct p2m_stats st;
	unsigned int i;

	seen.n = 0;
	seen.overflow = false;
	if (hw_for_each_leaf(p, collect_leaf, NULL) != 0 || seen.overflow) {
		abort(); /* an empty table was left behind */
	}
	norm.n = 0;
	norm.overflow = false;
	for (i = 0; i < model.n; i++) {
		push(&norm, model.r[i].ipa, model.r[i].end, model.r[i].pa,
		     model.r[i].type);
	}
	if (norm.n != seen.n ||
	    memcmp(norm.r, seen.r, seen.n * sizeof(seen.r[0])) != 0) {
		abort();
	}
	p2m_count(p, &st);
	if ((long)(st.tables[2] + st.tables[3]) != test_alloc_outstanding() ||
	    host_p2m_bbm_violations() != 0) {
		abort();
	}
}

static void probe(struct p2m *p, uint64_t ipa)
{
	uint64_t want_pa = 0;
	unsigned int want_type = 0;
	bool mapped = model_lookup(ipa, &want_pa, &want_type);
	enum p2m_type t;
	paddr_t pa;
	int rc = p2m_lookup(p, ipa_init(ipa), &pa, &t);

	if (ipa >= P2M_IPA_LIMIT) {
		if (rc != -ERANGE) {
			abort();
		}
		return;
	}
	if (mapped != (rc == 0) || (!mapped && rc != -ENOENT) ||
	    (mapped && (pa.pa != want_pa || t != (enum p2m_type)want_type))) {
		abort();
	}
	if (hw_translate(p, ipa) != (mapped ? (int64_t)want_pa : -1)) {
		abort();
	}
}

/* An address: a window at the bottom or the top of the space, aligned. */
static uint64_t pick_addr(struct input *in, uint64_t limit)
{
	uint64_t sel = take(in, 1), off = take(in, 3) << 12;
	static const uint64_t align[] = { SZ_4K, SZ_2M, SZ_1G, SZ_2M };
	uint64_t a = align[sel & 3];

	off &= 0xffffffffULL; /* 4 GiB window */
	off &= ~(a - 1);
	if ((sel & 3) == 3) {
		off -= MIN(off, SZ_4K * (1 + ((sel >> 2) & 7)));
	}
	return (sel & 0x80) ? limit - 4 * SZ_1G + off : off;
}

static uint64_t pick_size(struct input *in)
{
	uint64_t sel = take(in, 1), n = take(in, 1);

	switch (sel & 3) {
	case 0:
		return (1 + (n & 31)) * SZ_4K;
	case 1:
		return (1 + (n & 7)) * SZ_2M + ((sel >> 2) & 3) * SZ_4K;
	case 2:
		return (1 + (n & 1)) * SZ_1G + ((sel >> 2) & 3) * SZ_2M;
	default:
		return (n + 1) * (SZ_4K << ((sel >> 2) & 7)) + (sel & 0x80);
	}
}

static int expected_rc(uint64_t ipa, uint64_t pa, uint64_t size,
		       unsigned int type, bool map)
{
	if (!size || (ipa | size) & (SZ_4K - 1) ||
	    (map && ((pa & (SZ_4K - 1)) || type == 0 || type > 7))) {
		return -EINVAL;
	}
	if (ipa + size > P2M_IPA_LIMIT || (map && pa + size > P2M_PA_LIMIT)) {
		return -ERANGE;
	}
	return 0;
}

static void one_op(struct p2m *p, struct input *in)
{
	uint64_t kind = take(in, 1), budget = take(in, 1);
	uint64_t ipa = pick_addr(in, P2M_IPA_LIMIT);
	uint64_t size = pick_size(in);
	uint64_t pa = (kind & 0x10) ? ipa : pick_addr(in, P2M_PA_LIMIT);
	unsigned int type = (unsigned int)(kind >> 5);
	bool map = (kind & 3) != 3;
	uint64_t digest = hw_digest(p);
	long pages = test_alloc_outstanding();
	int want = expected_rc(ipa, pa, size, type, map), rc;

	if (budget < 32) {
		test_alloc_fail_after((long)(budget & 7));
	}
	rc = map ? p2m_map(p, ipa_init(ipa), pa_init(pa), size, type)
		 : p2m_unmap(p, ipa_init(ipa), size);
	test_alloc_fail_after(-1);
	if (rc == -ENOMEM && want == 0 && budget < 32) {
		if (hw_digest(p) != digest ||
		    test_alloc_outstanding() != pages) {
			abort();
		}
		return;
	}
	if (rc != want) {
		abort();
	}
	if (rc == 0) {
		model_set(ipa, ipa + size, pa, map ? type : 0);
	} else if (hw_digest(p) != digest) {
		abort();
	}
	check_tables(p);
	probe(p, ipa);
	probe(p, ipa - SZ_4K);
	probe(p, ipa + size - 1);
	probe(p, ipa + size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct p2m p;
	unsigned int ops = 0;

	static const uint64_t limits[] = { 0x1000, 0x200000, 0x40000000 };

	host_p2m_log_enable(false);
	model.n = 0;
	/* The largest leaf for this run (s2_block=): no leaf may pass it. */
	if (p2m_set_block_limit(limits[take(&in, 1) % 3]) != 0) {
		abort();
	}
	if (p2m_init(&p, 1) != 0) {
		abort();
	}
	while (in.len && ops++ < MAX_OPS) {
		one_op(&p, &in);
	}
	p2m_destroy(&p);
	if (test_alloc_outstanding() != 0) {
		abort();
	}
	return 0;
}

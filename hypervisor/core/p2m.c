/* SPDX-License-Identifier: MIT */
/*
 * Portable stage-2 translation-table builder (Arm ARM D8, VMSAv8-64 stage 2,
 * 4 KiB granule, 40-bit IPA, start level 1 with two concatenated tables).
 *
 * Every update (map or unmap) is one walk of the range run twice: prepare
 * counts the tables the update will create and allocates them into a pool
 * (the only step that can fail, and it changes nothing); commit walks again
 * taking tables from the pool and cannot fail. Live descriptors change by
 * break-before-make (Arm ARM D8.16): invalid, TLB flush, new value. Tables
 * that are not yet reachable are filled with plain stores and published
 * with one descriptor write. See docs/p2m.md.
 */
#include <sable/alloc.h>
#include <sable/errno.h>
#include <sable/log.h>
#include <sable/p2m.h>
#include <sable/p2m_arch.h>

/* Stage-2 block, page and table descriptor fields (Arm ARM D8.3). */
#define DESC_VALID (1ULL << 0)
#define DESC_TABLE (1ULL << 1) /* table at levels 1-2, page at level 3 */
#define DESC_TYPE_MASK 3ULL
#define DESC_MEMATTR_NORMAL_WB (0xfULL << 2) /* MemAttr = 0b1111 */
#define DESC_MEMATTR_DEVICE_NGNRE (0x1ULL << 2) /* MemAttr = 0b0001 */
#define DESC_S2AP_RO (1ULL << 6) /* S2AP = 0b01 */
#define DESC_S2AP_RW (3ULL << 6) /* S2AP = 0b11 */
#define DESC_SH_INNER (3ULL << 8) /* SH = 0b11 */
#define DESC_AF (1ULL << 10)
#define DESC_XN (2ULL << 53) /* XN[1:0] = 0b10: no execution at EL1/EL0 */
#define DESC_SW_SHIFT 55 /* software bits [58:55]: enum p2m_type */
#define DESC_SW_MASK (0xfULL << DESC_SW_SHIFT)
#define DESC_OA_MASK 0x0000fffffffff000ULL /* OA[47:12] */

#define TABLE_ENTRIES 512
#define ROOT_ENTRIES (TABLE_ENTRIES * P2M_ROOT_PAGES)

/* Attributes of each mapping type; a zero entry is not mappable. */
static const uint64_t p2m_type_attrs[P2M_NR_TYPES] = {
	[p2m_ram_rw] = DESC_MEMATTR_NORMAL_WB | DESC_S2AP_RW,
	[p2m_ram_ro] = DESC_MEMATTR_NORMAL_WB | DESC_S2AP_RO,
	[p2m_mmio] = DESC_MEMATTR_DEVICE_NGNRE | DESC_S2AP_RW | DESC_XN,
	[p2m_grant_rw] = DESC_MEMATTR_NORMAL_WB | DESC_S2AP_RW | DESC_XN,
	[p2m_grant_ro] = DESC_MEMATTR_NORMAL_WB | DESC_S2AP_RO | DESC_XN,
	[p2m_foreign_rw] = DESC_MEMATTR_NORMAL_WB | DESC_S2AP_RW | DESC_XN,
	[p2m_foreign_ro] = DESC_MEMATTR_NORMAL_WB | DESC_S2AP_RO | DESC_XN,
};

enum p2m_op_kind { P2M_OP_MAP, P2M_OP_UNMAP };

/* One update in flight. */
struct p2m_op {
	struct p2m *p;
	enum p2m_op_kind kind;
	uint64_t ipa; /* start of the range */
	uint64_t end; /* end of the range (exclusive) */
	uint64_t pa; /* map: PA of ipa */
	enum p2m_type type; /* map: type of the new leaves */
	void *pool; /* prepared tables, linked through their first word */
	bool flush; /* unmap: leaves were cleared, flush the range at the end */
};

/* ---- levels and descriptors ------------------------------------------- */

/*
 * The level of the largest leaf a map may use (p2m_set_block_limit). Set
 * once at boot, before any domain exists, and only read after.
 */
static unsigned int map_level_min = P2M_FIRST_LEVEL;

static unsigned int level_shift(unsigned int level)
{
	return PAGE_SHIFT + 9 * (P2M_LAST_LEVEL - level);
}

static uint64_t level_size(unsigned int level)
{
	return 1ULL << level_shift(level);
}

int p2m_set_block_limit(uint64_t size)
{
	for (unsigned int level = P2M_FIRST_LEVEL; level <= P2M_LAST_LEVEL;
	     level++) {
		if (size == level_size(level)) {
			map_level_min = level;
			return 0;
		}
	}
	return -EINVAL;
}

uint64_t p2m_block_limit(void)
{
	return level_size(map_level_min);
}

void p2m_allow_all_blocks(struct p2m *p)
{
	p->map_level_min = P2M_FIRST_LEVEL;
}

static unsigned int level_index(unsigned int level, uint64_t ipa)
{
	uint64_t mask =
		level == P2M_FIRST_LEVEL ? ROOT_ENTRIES - 1 : TABLE_ENTRIES - 1;

	return (unsigned int)((ipa >> level_shift(level)) & mask);
}

/* End of the entry holding @ipa, clipped to @end. */
static uint64_t entry_end(unsigned int level, uint64_t ipa, uint64_t end)
{
	uint64_t next = (ipa & ~(level_size(level) - 1)) + level_size(level);

	return MIN(next, end);
}

static bool desc_is_table(uint64_t d, unsigned int level)
{
	return level < P2M_LAST_LEVEL && (d & DESC_TYPE_MASK) == 3;
}

/* A block at levels 1-2 (0b01), a page at level 3 (0b11). */
static bool desc_is_leaf(uint64_t d, unsigned int level)
{
	uint64_t want =
		level < P2M_LAST_LEVEL ? DESC_VALID : DESC_VALID | DESC_TABLE;

	return (d & DESC_TYPE_MASK) == want;
}

static bool desc_is_present(uint64_t d, unsigned int level)
{
	return desc_is_table(d, level) || desc_is_leaf(d, level);
}

static uint64_t *desc_table(uint64_t d)
{
	return arch_p2m_pa_to_va(pa_init(d & DESC_OA_MASK));
}

static uint64_t desc_leaf_bits(unsigned int level)
{
	return level < P2M_LAST_LEVEL ? DESC_VALID : DESC_VALID | DESC_TABLE;
}

static uint64_t desc_make_leaf(unsigned int level, uint64_t pa,
			       enum p2m_type type)
{
	return pa | p2m_type_attrs[type] | DESC_SH_INNER | DESC_AF |
	       ((uint64_t)type << DESC_SW_SHIFT) | desc_leaf_bits(level);
}

static uint64_t desc_make_table(const void *table)
{
	return virt_to_pa(table).pa | DESC_VALID | DESC_TABLE;
}

static bool table_is_empty(const uint64_t *table)
{
	unsigned int i;

	for (i = 0; i < TABLE_ENTRIES; i++) {
		if (table[i]) {
			return false;
		}
	}
	return true;
}

/* Give a table below the root back, uncharging it from the domain. */
static void table_free(struct p2m *p, uint64_t *table)
{
	p->nr_tables--;
	page_free(table);
}

/* Free @table (at @level) and every table below it. */
static void free_tables(struct p2m *p, uint64_t *table, unsigned int level)
{
	unsigned int i;

	if (level < P2M_LAST_LEVEL) {
		for (i = 0; i < TABLE_ENTRIES; i++) {
			if (desc_is_table(table[i], level)) {
				free_tables(p, desc_table(table[i]), level + 1);
			}
		}
	}
	table_free(p, table);
}

/* ---- the update walk -------------------------------------------------- */

static uint64_t op_pa(const struct p2m_op *op, uint64_t ipa)
{
	return op->pa + (ipa - op->ipa);
}

/*
 * Can [s, e) be handled by one leaf (or, for unmap, one invalid entry) at
 * @level? It must be a whole entry and, for map, the PA must be aligned.
 */
static bool op_leaf_fits(const struct p2m_op *op, unsigned int level,
			 uint64_t s, uint64_t e)
{
	uint64_t size = level_size(level);

	if (!IS_ALIGNED(s, size) || e - s != size) {
		return false;
	}
	if (op->kind == P2M_OP_MAP && level < op->p->map_level_min) {
		return false;
	}
	return op->kind == P2M_OP_UNMAP || IS_ALIGNED(op_pa(op, s), size);
}

/*
 * Prepare: the number of tables the commit walk will create for [start,
 * end) under one table at @level. @table is NULL for a table that commit
 * will create, whose entries are all invalid (!fill_valid) or all leaves
 * split from a block (fill_valid).
 */
static uint64_t op_count_tables(const struct p2m_op *op, unsigned int level,
				const uint64_t *table, bool fill_valid,
				uint64_t start, uint64_t end)
{
	uint64_t n = 0, s, e, d;
	bool valid;

	if (level == P2M_LAST_LEVEL) {
		return 0;
	}
	for (s = start; s < end; s = e) {
		e = entry_end(level, s, end);
		if (op_leaf_fits(op, level, s, e)) {
			continue;
		}
		valid = fill_valid;
		if (table) {
			d = table[level_index(level, s)];
			if (desc_is_table(d, level)) {
				n += op_count_tables(op, level + 1,
						     desc_table(d), false, s,
						     e);
				continue;
			}
			valid = desc_is_leaf(d, level);
		}
		if (!valid && op->kind == P2M_OP_UNMAP) {
			continue;
		}
		n += 1 + op_count_tables(op, level + 1, NULL, valid, s, e);
	}
	return n;
}

static void op_pool_release(struct p2m_op *op)
{
	void *t;

	while (op->pool) {
		t = op->pool;
		op->pool = *(void **)t;
		page_free(t);
	}
}

static int op_prepare(struct p2m_op *op)
{
	uint64_t n = op_count_tables(op, P2M_FIRST_LEVEL, op->p->root, false,
				     op->ipa, op->end);
	void *t;

	if (op->p->nr_tables > op->p->max_tables ||
	    n > op->p->max_tables - op->p->nr_tables) {
		return -ENOMEM; /* the domain's budget, not the heap */
	}
	for (; n; n--) {
		t = page_alloc();
		if (!t) {
			op_pool_release(op);
			return -ENOMEM;
		}
		*(void **)t = op->pool;
		op->pool = t;
	}
	return 0;
}

static uint64_t *op_pool_take(struct p2m_op *op)
{
	uint64_t *t = op->pool;

	if (!t) {
		/* prepare miscounted: commit has no way to fail */
		__builtin_trap();
	}
	op->pool = *(void **)t;
	t[0] = 0;
	op->p->nr_tables++;
	op->p->peak_tables = MAX(op->p->peak_tables, op->p->nr_tables);
	return t;
}

static void op_walk(struct p2m_op *op, unsigned int level, uint64_t *table,
		    bool live, uint64_t start, uint64_t end);

/*
 * Replace a whole entry by a leaf (map) or by an invalid entry (unmap).
 * Live: break-before-make; a replaced table is freed after the flush.
 * Unmapped leaves are flushed once for the whole range at the end.
 */
static void op_set_leaf(struct p2m_op *op, unsigned int level, uint64_t *slot,
			bool live, uint64_t s)
{
	uint64_t old = *slot, new = 0;

	if (op->kind == P2M_OP_MAP) {
		new = desc_make_leaf(level, op_pa(op, s), op->type);
	}
	if (old == new) {
		return;
	}
	if (!live) {
		*slot = new;
		return;
	}
	if (desc_is_present(old, level)) {
		arch_p2m_write_entry(slot, 0);
		if (new || desc_is_table(old, level)) {
			arch_p2m_flush_ipa(op->p, ipa_init(s),
					   level_size(level));
		} else {
			op->flush = true;
		}
	}
	if (new) {
		arch_p2m_write_entry(slot, new);
	}
	if (desc_is_table(old, level)) {
		free_tables(op->p, desc_table(old), level + 1);
	}
}

/* Fill a new table at @level with the pieces of the block @old. */
static void split_block(uint64_t *table, unsigned int level, uint64_t old)
{
	uint64_t attrs = old & ~(DESC_OA_MASK | DESC_TYPE_MASK);
	uint64_t oa = old & DESC_OA_MASK;
	unsigned int i;

	for (i = 0; i < TABLE_ENTRIES; i++) {
		table[i] = (oa + i * level_size(level)) | attrs |
			   desc_leaf_bits(level);
	}
}

/*
 * [s, e) covers only part of the entry (or the PA is misaligned for a
 * leaf here): build the next-level table privately, splitting the old
 * block if there was one, apply the update inside it, then publish it.
 */
static void op_split(struct p2m_op *op, unsigned int level, uint64_t *slot,
		     bool live, uint64_t s, uint64_t e)
{
	uint64_t old = *slot;
	uint64_t *child = op_pool_take(op);
	uint64_t base = s & ~(level_size(level) - 1);

	if (desc_is_leaf(old, level)) {
		split_block(child, level + 1, old);
	}
	op_walk(op, level + 1, child, false, s, e);
	if (!live) {
		*slot = desc_make_table(child);
		return;
	}
	if (desc_is_present(old, level)) {
		arch_p2m_write_entry(slot, 0);
		arch_p2m_flush_ipa(op->p, ipa_init(base), level_size(level));
	}
	arch_p2m_write_entry(slot, desc_make_table(child));
}

/* Unlink and free the empty table under @slot, after the flush. */
static void op_free_empty(struct p2m_op *op, unsigned int level, uint64_t *slot,
			  uint64_t s)
{
	uint64_t *child = desc_table(*slot);
	uint64_t base = s & ~(level_size(level) - 1);

	arch_p2m_write_entry(slot, 0);
	arch_p2m_flush_ipa(op->p, ipa_init(base), level_size(level));
	table_free(op->p, child);
}

/*
 * Commit: apply the update to [start, end) under @table at @level. @live
 * says whether table walkers can see @table (else plain stores suffice).
 */
static void op_walk(struct p2m_op *op, unsigned int level, uint64_t *table,
		    bool live, uint64_t start, uint64_t end)
{
	uint64_t s, e, *slot;

	for (s = start; s < end; s = e) {
		e = entry_end(level, s, end);
		slot = &table[level_index(level, s)];
		if (op_leaf_fits(op, level, s, e)) {
			op_set_leaf(op, level, slot, live, s);
		} else if (desc_is_table(*slot, level)) {
			op_walk(op, level + 1, desc_table(*slot), live, s, e);
			if (op->kind == P2M_OP_UNMAP &&
			    table_is_empty(desc_table(*slot))) {
				op_free_empty(op, level, slot, s);
			}
		} else if (op->kind == P2M_OP_MAP ||
			   desc_is_leaf(*slot, level)) {
			op_split(op, level, slot, live, s, e);
		}
	}
}

static int p2m_update(struct p2m_op *op)
{
	int rc = op_prepare(op);

	if (rc) {
		return rc;
	}
	op_walk(op, P2M_FIRST_LEVEL, op->p->root, true, op->ipa, op->end);
	if (op->flush) {
		arch_p2m_flush_ipa(op->p, ipa_init(op->ipa), op->end - op->ipa);
	}
	if (op->pool) {
		pr_err("p2m: %s prepared too many tables\n", __func__);
		op_pool_release(op);
	}
	return 0;
}

/* ---- API -------------------------------------------------------------- */

static int p2m_check_range(const struct p2m *p, uint64_t ipa, uint64_t size)
{
	if (!p->root || !size || !IS_ALIGNED(ipa, PAGE_SIZE) ||
	    !IS_ALIGNED(size, PAGE_SIZE)) {
		return -EINVAL;
	}
	if (ipa >= P2M_IPA_LIMIT || size > P2M_IPA_LIMIT - ipa) {
		return -ERANGE;
	}
	return 0;
}

int p2m_map(struct p2m *p, ipaddr_t ipa, paddr_t pa, uint64_t size,
	    enum p2m_type type)
{
	struct p2m_op op = {
		.p = p,
		.kind = P2M_OP_MAP,
		.ipa = ipa.ipa,
		.end = ipa.ipa + size,
		.pa = pa.pa,
		.type = type,
	};
	int rc;

	/* All -EINVAL cases first, then -ERANGE. */
	if ((unsigned int)type >= P2M_NR_TYPES || !p2m_type_attrs[type] ||
	    !IS_ALIGNED(pa.pa, PAGE_SIZE)) {
		return -EINVAL;
	}
	rc = p2m_check_range(p, ipa.ipa, size);
	if (rc) {
		return rc;
	}
	if (pa.pa >= P2M_PA_LIMIT || size > P2M_PA_LIMIT - pa.pa) {
		return -ERANGE;
	}
	return p2m_update(&op);
}

int p2m_unmap(struct p2m *p, ipaddr_t ipa, uint64_t size)
{
	struct p2m_op op = {
		.p = p,
		.kind = P2M_OP_UNMAP,
		.ipa = ipa.ipa,
		.end = ipa.ipa + size,
	};
	int rc = p2m_check_range(p, ipa.ipa, size);

	if (rc) {
		return rc;
	}
	return p2m_update(&op);
}

int p2m_lookup(struct p2m *p, ipaddr_t ipa, paddr_t *pa, enum p2m_type *type)
{
	const uint64_t *table = p->root;
	unsigned int level = P2M_FIRST_LEVEL;
	uint64_t d, size;

	if (type) {
		*type = p2m_invalid;
	}
	if (ipa.ipa >= P2M_IPA_LIMIT) {
		return -ERANGE;
	}
	if (!table) {
		return -ENOENT;
	}
	for (;;) {
		d = table[level_index(level, ipa.ipa)];
		if (desc_is_leaf(d, level)) {
			break;
		}
		if (!desc_is_table(d, level)) {
			return -ENOENT;
		}
		table = desc_table(d);
		level++;
	}
	size = level_size(level);
	if (pa) {
		*pa = pa_init((d & DESC_OA_MASK & ~(size - 1)) |
			      (ipa.ipa & (size - 1)));
	}
	if (type) {
		*type = (enum p2m_type)((d & DESC_SW_MASK) >> DESC_SW_SHIFT);
	}
	return 0;
}

int p2m_init(struct p2m *p, uint16_t vmid)
{
	spin_lock_init(&p->lock);
	p->vmid = vmid;
	p->nr_tables = 0;
	p->peak_tables = 0;
	p->max_tables = UINT64_MAX;
	p->map_level_min = map_level_min;
	p->root = arch_p2m_alloc_root();
	if (!p->root) {
		p->root_pa = pa_init(0);
		return -ENOMEM;
	}
	p->root_pa = virt_to_pa(p->root);
	return 0;
}

void p2m_destroy(struct p2m *p)
{
	unsigned int i;

	if (!p->root) {
		return;
	}
	/* The VMID may be reused: drop its TLB entries before the tables. */
	arch_p2m_flush_ipa(p, ipa_init(0), P2M_IPA_LIMIT);
	for (i = 0; i < ROOT_ENTRIES; i++) {
		if (desc_is_table(p->root[i], P2M_FIRST_LEVEL)) {
			free_tables(p, desc_table(p->root[i]),
				    P2M_FIRST_LEVEL + 1);
		}
	}
	arch_p2m_free_root(p->root);
	p->root = NULL;
	p->root_pa = pa_init(0);
}

static void leaves_of(const uint64_t *table, unsigned int level,
		      unsigned int entries, uint64_t base, p2m_leaf_fn fn,
		      void *ctx)
{
	for (unsigned int i = 0; i < entries; i++) {
		uint64_t ipa = base + (uint64_t)i * level_size(level);
		uint64_t d = table[i];

		if (desc_is_table(d, level)) {
			leaves_of(desc_table(d), level + 1, TABLE_ENTRIES, ipa,
				  fn, ctx);
		} else if (desc_is_leaf(d, level)) {
			fn(ctx, ipa_init(ipa),
			   pa_init(d & DESC_OA_MASK & ~(level_size(level) - 1)),
			   level_size(level),
			   (enum p2m_type)((d & DESC_SW_MASK) >>
					   DESC_SW_SHIFT));
		}
	}
}

void p2m_for_each_leaf(const struct p2m *p, p2m_leaf_fn fn, void *ctx)
{
	if (p->root) {
		leaves_of(p->root, P2M_FIRST_LEVEL, ROOT_ENTRIES, 0, fn, ctx);
	}
}

void p2m_set_budget(struct p2m *p, uint64_t pages)
{
	p->max_tables = pages;
}

paddr_t p2m_root_pa(const struct p2m *p)
{
	return p->root_pa;
}

uint64_t p2m_vttbr(const struct p2m *p)
{
	return ((uint64_t)p->vmid << 48) | p->root_pa.pa;
}

static void count_table(const uint64_t *table, unsigned int level,
			unsigned int entries, struct p2m_stats *s)
{
	unsigned int i;

	s->tables[level]++;
	for (i = 0; i < entries; i++) {
		if (desc_is_table(table[i], level)) {
			count_table(desc_table(table[i]), level + 1,
				    TABLE_ENTRIES, s);
		} else if (desc_is_leaf(table[i], level)) {
			s->leaves[level]++;
		}
	}
}

void p2m_count(const struct p2m *p, struct p2m_stats *s)
{
	*s = (struct p2m_stats){ { 0 }, { 0 } };
	if (p->root) {
		count_table(p->root, P2M_FIRST_LEVEL, ROOT_ENTRIES, s);
	}
}

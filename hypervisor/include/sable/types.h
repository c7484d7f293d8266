/* SPDX-License-Identifier: MIT */
/*
 * Basic types shared by the portable core, the EL2 build and the host build.
 * Physical, intermediate-physical and guest-frame numbers are distinct
 * one-member structs so that mixing them is a compile error.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint16_t domid_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* Host physical address. */
typedef struct {
	uint64_t pa;
} paddr_t;

/* Intermediate physical address (guest physical, stage-2 input). */
typedef struct {
	uint64_t ipa;
} ipaddr_t;

/* Guest frame number: ipa >> PAGE_SHIFT. */
typedef struct {
	uint64_t gfn;
} gfn_t;

/* Machine frame number: pa >> PAGE_SHIFT. */
typedef struct {
	uint64_t mfn;
} mfn_t;

static inline paddr_t pa_init(uint64_t v)
{
	return (paddr_t){ v };
}

static inline ipaddr_t ipa_init(uint64_t v)
{
	return (ipaddr_t){ v };
}

static inline gfn_t gfn_init(uint64_t v)
{
	return (gfn_t){ v };
}

static inline mfn_t mfn_init(uint64_t v)
{
	return (mfn_t){ v };
}

static inline gfn_t ipa_to_gfn(ipaddr_t a)
{
	return gfn_init(a.ipa >> PAGE_SHIFT);
}

static inline ipaddr_t gfn_to_ipa(gfn_t g)
{
	return ipa_init(g.gfn << PAGE_SHIFT);
}

static inline mfn_t pa_to_mfn(paddr_t a)
{
	return mfn_init(a.pa >> PAGE_SHIFT);
}

static inline paddr_t mfn_to_pa(mfn_t m)
{
	return pa_init(m.mfn << PAGE_SHIFT);
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define UNUSED __attribute__((unused))

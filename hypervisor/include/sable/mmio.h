/* SPDX-License-Identifier: MIT */
/*
 * Emulated MMIO: device models register IPA ranges per domain; a trapped
 * access is dispatched to the one covering it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct domain;

#define MMIO_HANDLED 0
#define MMIO_UNHANDLED 1

struct mmio_access {
	uint64_t ipa;
	unsigned int size; /* 1, 2, 4 or 8 */
	bool is_write;
	uint64_t val; /* IN for writes, OUT for reads */
};

typedef int (*mmio_handler)(struct vcpu *v, void *priv, uint64_t offset,
			    struct mmio_access *acc);

struct mmio_region {
	uint64_t base, size;
	mmio_handler handler;
	void *priv;
	void (*release)(void *priv); /* frees priv with the domain, or NULL */
};

#define MAX_MMIO_REGIONS 8

int mmio_register(struct domain *d, uint64_t base, uint64_t size,
		  mmio_handler handler, void *priv);
/* The same, with @release called on @priv when the domain is freed. */
int mmio_register_owned(struct domain *d, uint64_t base, uint64_t size,
			mmio_handler handler, void *priv,
			void (*release)(void *priv));
int mmio_dispatch(struct vcpu *v, struct mmio_access *acc);
/* The domain is freed: release every region's device state. */
void mmio_release_all(struct domain *d);

/* Register @d's vGIC distributor at @gicd and redistributors at @gicr. */
int vgic_register_mmio(struct domain *d, uint64_t gicd, uint64_t gicr);

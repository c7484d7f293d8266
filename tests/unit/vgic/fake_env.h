/* SPDX-License-Identifier: MIT */
/* Recording fakes of the vdev_env_* hooks for the device-model tests. */
#pragma once

#include <sable/vdev_env.h>

struct fake_env {
	unsigned int kicks[128]; /* per vCPU */
	unsigned int nr_route_calls;
	unsigned int route_pintid;
	unsigned int route_vcpu;
	bool route_enable;
	/* vPSCI */
	enum vdev_vcpu_power power[128];
	int vcpu_on_ret; /* forced result, 0: behave */
	uint64_t on_entry, on_ctx;
	unsigned int on_vcpu, off_vcpu, nr_on, nr_off;
	int vcpu_off_ret;
	unsigned int nr_shutdown, shutdown_reason;
};

extern struct fake_env fake_env;

void fake_env_reset(void);

/* SPDX-License-Identifier: MIT */
#include <sable/errno.h>

#include "fake_env.h"

struct fake_env fake_env;

void fake_env_reset(void)
{
	__builtin_memset(&fake_env, 0, sizeof(fake_env));
}

void vdev_env_kick_vcpu(struct vgic *g, unsigned int vcpu)
{
	(void)g;
	if (vcpu < 128) {
		fake_env.kicks[vcpu]++;
	}
}

void vdev_env_route_hw_spi(struct vgic *g, unsigned int pintid,
			   unsigned int vcpu, bool enable)
{
	(void)g;
	fake_env.nr_route_calls++;
	fake_env.route_pintid = pintid;
	fake_env.route_vcpu = vcpu;
	fake_env.route_enable = enable;
}

int vdev_env_vcpu_on(struct domain *d, unsigned int vcpu, uint64_t entry,
		     uint64_t ctx)
{
	(void)d;
	if (fake_env.vcpu_on_ret) {
		return fake_env.vcpu_on_ret;
	}
	if (fake_env.power[vcpu] == VDEV_VCPU_ON) {
		return -EEXIST;
	}
	if (fake_env.power[vcpu] == VDEV_VCPU_ON_PENDING) {
		return -EAGAIN;
	}
	fake_env.power[vcpu] = VDEV_VCPU_ON_PENDING;
	fake_env.nr_on++;
	fake_env.on_vcpu = vcpu;
	fake_env.on_entry = entry;
	fake_env.on_ctx = ctx;
	return 0;
}

int vdev_env_vcpu_off(struct domain *d, unsigned int vcpu)
{
	(void)d;
	if (fake_env.vcpu_off_ret) {
		return fake_env.vcpu_off_ret;
	}
	fake_env.power[vcpu] = VDEV_VCPU_OFF;
	fake_env.nr_off++;
	fake_env.off_vcpu = vcpu;
	return 0;
}

enum vdev_vcpu_power vdev_env_vcpu_state(struct domain *d, unsigned int vcpu)
{
	(void)d;
	return fake_env.power[vcpu];
}

void vdev_env_domain_shutdown(struct domain *d, unsigned int reason)
{
	(void)d;
	fake_env.nr_shutdown++;
	fake_env.shutdown_reason = reason;
}

/* SPDX-License-Identifier: MIT */
/*
 * Virtual PSCI 1.0 / SMCCC 1.1. The function ID is decoded into a service
 * and a function number, then dispatched through a static const table;
 * holes answer NOT_SUPPORTED.
 */
#include <sable/errno.h>
#include <sable/vpsci.h>

struct vpsci_call {
	struct domain *d;
	unsigned int nr_vcpus;
	unsigned int vcpu;
	uint64_t arg[4]; /* x0..x3, truncated to 32 bits for SMC32 calls */
	enum vpsci_action action;
};

typedef int64_t (*vpsci_fn)(struct vpsci_call *c);

struct vpsci_func {
	vpsci_fn fn;
	bool smc64; /* also callable with the SMC64 ID */
};

#define SMCCC_FAST_CALL (1u << 31)
#define SMCCC_SMC64 (1u << 30)
#define SMCCC_OWNER(fid) (((fid) >> 24) & 0x3f)
#define SMCCC_FUNC_NUM(fid) ((fid)&0xffff)
#define SMCCC_OWNER_ARCH 0
#define SMCCC_OWNER_STD 4

static int64_t psci_version(struct vpsci_call *c)
{
	(void)c;
	return PSCI_VERSION_1_0;
}

/* A suspend is a WFI here; state is kept, so success returns directly. */
static int64_t psci_cpu_suspend(struct vpsci_call *c)
{
	c->action = VPSCI_WFI;
	return PSCI_RET_SUCCESS;
}

static int64_t psci_cpu_off(struct vpsci_call *c)
{
	if (vdev_env_vcpu_off(c->d, c->vcpu) < 0) {
		return PSCI_RET_DENIED;
	}
	c->action = VPSCI_STOPPED;
	return PSCI_RET_SUCCESS;
}

static int64_t psci_cpu_on(struct vpsci_call *c)
{
	int target = vdev_mpidr_to_vcpu(c->arg[1], c->nr_vcpus);

	if (target < 0) {
		return PSCI_RET_INVALID_PARAMS;
	}
	switch (vdev_env_vcpu_on(c->d, (unsigned int)target, c->arg[2],
				 c->arg[3])) {
	case 0:
		return PSCI_RET_SUCCESS;
	case -EEXIST:
		return PSCI_RET_ALREADY_ON;
	case -EAGAIN:
		return PSCI_RET_ON_PENDING;
	case -EINVAL:
	case -EFAULT:
		return PSCI_RET_INVALID_ADDRESS;
	default:
		return PSCI_RET_INTERNAL_FAILURE;
	}
}

static int64_t psci_affinity_info(struct vpsci_call *c)
{
	int target = vdev_mpidr_to_vcpu(c->arg[1], c->nr_vcpus);

	/* PSCI 1.0: only level 0 is meaningful without OS-initiated mode. */
	if (target < 0 || c->arg[2] != 0) {
		return PSCI_RET_INVALID_PARAMS;
	}
	switch (vdev_env_vcpu_state(c->d, (unsigned int)target)) {
	case VDEV_VCPU_ON:
		return PSCI_AFF_ON;
	case VDEV_VCPU_ON_PENDING:
		return PSCI_AFF_ON_PENDING;
	default:
		return PSCI_AFF_OFF;
	}
}

static int64_t psci_migrate_info_type(struct vpsci_call *c)
{
	(void)c;
	return PSCI_MIGRATE_INFO_NOT_REQUIRED;
}

/* Xen SHUTDOWN_poweroff / SHUTDOWN_reboot. */
static int64_t psci_system_off(struct vpsci_call *c)
{
	vdev_env_domain_shutdown(c->d, 0);
	c->action = VPSCI_STOPPED;
	return PSCI_RET_SUCCESS;
}

static int64_t psci_system_reset(struct vpsci_call *c)
{
	vdev_env_domain_shutdown(c->d, 1);
	c->action = VPSCI_STOPPED;
	return PSCI_RET_SUCCESS;
}

static int64_t psci_features(struct vpsci_call *c);

static const struct vpsci_func vpsci_std_funcs[] = {
	[0x00] = { psci_version, false },
	[0x01] = { psci_cpu_suspend, true },
	[0x02] = { psci_cpu_off, false },
	[0x03] = { psci_cpu_on, true },
	[0x04] = { psci_affinity_info, true },
	[0x06] = { psci_migrate_info_type, false },
	[0x08] = { psci_system_off, false },
	[0x09] = { psci_system_reset, false },
	[0x0a] = { psci_features, false },
};

static int64_t smccc_version(struct vpsci_call *c)
{
	(void)c;
	return SMCCC_VERSION_1_1;
}

/* No CPU erratum workaround is offered: WORKAROUND_1/2/3 and SOC_ID are
 * NOT_SUPPORTED, which Linux reads as "not needed / unknown". */
static int64_t smccc_arch_features(struct vpsci_call *c)
{
	uint64_t q = c->arg[1] & 0xffffffffu;

	if (q == SMCCC_VERSION || q == SMCCC_ARCH_FEATURES) {
		return PSCI_RET_SUCCESS;
	}
	return PSCI_RET_NOT_SUPPORTED;
}

static const struct vpsci_func vpsci_arch_funcs[] = {
	[0x00] = { smccc_version, false },
	[0x01] = { smccc_arch_features, false },
};

/* The table entry for @fid, or NULL when it is not implemented. */
static const struct vpsci_func *vpsci_lookup(uint32_t fid)
{
	const struct vpsci_func *tbl;
	unsigned int num = SMCCC_FUNC_NUM(fid);
	size_t n;

	if (!(fid & SMCCC_FAST_CALL) || (fid & 0x00ff0000u)) {
		return NULL;
	}
	switch (SMCCC_OWNER(fid) & 0x3f) {
	case SMCCC_OWNER_STD:
		tbl = vpsci_std_funcs;
		n = ARRAY_SIZE(vpsci_std_funcs);
		break;
	case SMCCC_OWNER_ARCH:
		tbl = vpsci_arch_funcs;
		n = ARRAY_SIZE(vpsci_arch_funcs);
		break;
	default:
		return NULL;
	}
	if (num >= n || !tbl[num].fn) {
		return NULL;
	}
	if ((fid & SMCCC_SMC64) && !tbl[num].smc64) {
		return NULL;
	}
	return &tbl[num];
}

/* 0 for every implemented function (CPU_SUSPEND: original power_state
 * format, platform-coordinated mode) and for SMCCC_VERSION, which Linux
 * probes before it calls it. */
static int64_t psci_features(struct vpsci_call *c)
{
	uint32_t q = (uint32_t)c->arg[1];

	if (SMCCC_OWNER(q) == SMCCC_OWNER_STD && vpsci_lookup(q)) {
		return PSCI_RET_SUCCESS;
	}
	if (q == SMCCC_VERSION) {
		return PSCI_RET_SUCCESS;
	}
	return PSCI_RET_NOT_SUPPORTED;
}

int vpsci_handle(struct domain *d, unsigned int nr_vcpus, unsigned int vcpu,
		 uint64_t regs[4])
{
	uint32_t fid = (uint32_t)regs[0];
	const struct vpsci_func *f;
	struct vpsci_call c = {
		.d = d,
		.nr_vcpus = nr_vcpus,
		.vcpu = vcpu,
		.action = VPSCI_RESUME,
	};
	unsigned int i;

	if (vcpu >= nr_vcpus) {
		return -EINVAL;
	}
	/* SMCCC: the upper 32 bits of x0 are ignored for the function ID. */
	f = vpsci_lookup(fid);
	if (!f) {
		regs[0] = (uint64_t)(int64_t)PSCI_RET_NOT_SUPPORTED;
		return VPSCI_RESUME;
	}
	for (i = 0; i < 4; i++) {
		c.arg[i] = (fid & SMCCC_SMC64) ? regs[i] : (uint32_t)regs[i];
	}
	regs[0] = (uint64_t)f->fn(&c);
	return (int)c.action;
}

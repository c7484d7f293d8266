# Portable device models: virtual GICv3, virtual timer, virtual PSCI.
# Built into the EL2 image and into the host unit tests.
VDEV_SRCS := hypervisor/vdev/vgic.c hypervisor/vdev/vgic_regs.c \
	hypervisor/vdev/vgic_dist.c hypervisor/vdev/vgic_redist.c \
	hypervisor/vdev/vgic_lr.c hypervisor/vdev/vtimer.c \
	hypervisor/vdev/vpsci.c

# The EL2 hypervisor image: build/sable.bin (an arm64 Image).
#
# The portable core (hypervisor/core, lib, the device models, evtchn/,
# grant-tables/) and arch/arm64 are compiled freestanding and linked with
# Debian's libfdt.a (arm64) into a position-independent image.

HV_B := $(B)/hv
ARM_SYSROOT := $(CACHE)/arm64
LIBFDT_A := $(ARM_SYSROOT)/usr/lib/aarch64-linux-gnu/libfdt.a

HV_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fpie -fvisibility=hidden \
	-include hypervisor/include/sable/hidden.h \
	-mgeneral-regs-only -mstrict-align -mno-outline-atomics \
	-fno-stack-protector -fno-common -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer $(WARN) -Wno-missing-field-initializers \
	-Ihypervisor/include -Ihypervisor/arch/arm64/include -Ievtchn \
	-Igrant-tables \
	-I$(ARM_SYSROOT)/usr/include -MMD -MP

HV_SRCS := $(wildcard hypervisor/core/*.c) $(wildcard hypervisor/lib/*.c) \
	$(wildcard hypervisor/arch/arm64/*.c) $(P2M_SRCS) $(VDEV_SRCS) \
	$(EVTCHN_SRCS) $(GNTTAB_SRCS) \
	$(HV_EXTRA_SRCS)
HV_SRCS := $(sort $(HV_SRCS))
HV_ASM := $(wildcard hypervisor/arch/arm64/*.S)
HV_OBJS := $(patsubst %.c,$(HV_B)/%.o,$(HV_SRCS)) \
	$(patsubst %.S,$(HV_B)/%.o,$(HV_ASM))

$(HV_B)/hypervisor/lib/libc.o: HV_EXTRA := -fno-builtin \
	-fno-tree-loop-distribute-patterns

$(HV_B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(HV_CFLAGS) $(HV_EXTRA) -c -o $@ $<

$(HV_B)/%.o: %.S
	@mkdir -p $(dir $@)
	$(CROSS)gcc $(HV_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

$(B)/sable.elf: $(HV_OBJS) hypervisor/arch/arm64/sable.lds
	$(CROSS)ld -pie --no-dynamic-linker -z norelro -z noexecstack \
		--no-warn-rwx-segments -T hypervisor/arch/arm64/sable.lds \
		-o $@ $(HV_OBJS) $(LIBFDT_A)
	@$(PYTHON) tests/tools/check_relocs.py $@

$(B)/sable.bin: $(B)/sable.elf
	$(CROSS)objcopy -O binary $< $@

BUILD_TARGETS += $(B)/sable.bin

-include $(HV_OBJS:.o=.d)

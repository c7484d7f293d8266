# Bare-metal test guests: build/guests/<name>.bin, arm64 Images that run
# at EL1 on Sable and on Xen. Each guest is guests/<name>/*.c plus the
# shared library guests/lib, linked with Debian's arm64 libfdt.a as the
# hypervisor image is.

GUESTS := hello hostile pingpong trapbench attack_mem attack_time cpustate \
	spin consring schedbench ramscan lifecycle
GUEST_B := $(B)/guests
GUEST_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -fpie -mgeneral-regs-only \
	-mstrict-align -mno-outline-atomics -fno-stack-protector \
	-fno-asynchronous-unwind-tables -fno-builtin \
	-fno-tree-loop-distribute-patterns $(WARN) -Ihypervisor/include \
	-Iguests/lib -I$(CACHE)/arm64/usr/include -MMD -MP
GUEST_LIBFDT := $(CACHE)/arm64/usr/lib/aarch64-linux-gnu/libfdt.a
GUEST_LIB_SRCS := guests/lib/start.S guests/lib/hypercall.S guests/lib/guest.c \
	guests/lib/console.c guests/lib/fdt.c guests/lib/evtchn.c \
	guests/lib/gic.c hypervisor/lib/vsnprintf.c hypervisor/lib/libc.c

define GUEST_template
$(GUEST_B)/$(1).elf: $(GUEST_LIB_SRCS) $(wildcard guests/$(1)/*.c) \
		$(wildcard guests/$(1)/*.h) guests/lib/guest.lds guests/lib/guest.h
	@mkdir -p $(GUEST_B)
	$(CROSS)gcc $(GUEST_CFLAGS) -nostdlib -static-pie -Wl,--no-dynamic-linker \
		-Wl,-z,norelro -Wl,-z,notext -Wl,--build-id=none -Wl,--no-warn-rwx-segments -T guests/lib/guest.lds \
		-o $$@ $(GUEST_LIB_SRCS) $(wildcard guests/$(1)/*.c) \
		$(GUEST_LIBFDT)
	@$(PYTHON) tests/tools/check_relocs.py $$@

$(GUEST_B)/$(1).bin: $(GUEST_B)/$(1).elf
	$(CROSS)objcopy -O binary $$< $$@

BUILD_TARGETS += $(GUEST_B)/$(1).bin
endef
$(foreach g,$(GUESTS),$(eval $(call GUEST_template,$(g))))

# Header dependencies gcc wrote (-MMD) for each guest.
-include $(wildcard $(GUEST_B)/*.d)

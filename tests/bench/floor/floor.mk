# The trap benchmark's floor: build/floor.bin, a do-nothing EL2 image
# (tests/bench/floor/floor.S) booted in place of a hypervisor.

$(B)/floor.elf: tests/bench/floor/floor.S
	@mkdir -p $(B)
	$(CROSS)gcc -nostdlib -static -Wl,-Ttext=0 -Wl,--build-id=none \
		-Wl,--no-warn-rwx-segments -o $@ $<

$(B)/floor.bin: $(B)/floor.elf
	$(CROSS)objcopy -O binary $< $@

BUILD_TARGETS += $(B)/floor.bin

/* SPDX-License-Identifier: MIT */
/*
 * Guest console. A boot-time domU on Xen may not use CONSOLEIO_write (its
 * XSM policy keeps console_io for the hardware domain), so a guest whose
 * device tree has an emulated PL011 ("arm,sbsa-uart" as Xen writes it, or
 * "arm,pl011") writes there; every other guest uses console_io.
 */
#include "guest.h"

/* PL011 registers (Arm PL011 TRM, 3.2): data, flags; TXFF = TX FIFO full. */
#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF (1U << 5)

uint64_t guest_uart_base;

void console_init(void)
{
	static const char *const compat[] = { "arm,sbsa-uart", "arm,pl011" };
	uint64_t base, size;

	for (size_t i = 0; i < sizeof(compat) / sizeof(compat[0]); i++) {
		if (gfdt_reg(compat[i], 0, &base, &size) && size >= 0x1000) {
			guest_uart_base = base;
			return;
		}
	}
}

static void uart_putc(char c)
{
	volatile uint32_t *dr =
		(volatile uint32_t *)(guest_uart_base + UART_DR);
	volatile uint32_t *fr =
		(volatile uint32_t *)(guest_uart_base + UART_FR);

	while (*fr & UART_FR_TXFF) {
	}
	*dr = (uint8_t)c;
}

void gputs(const char *s)
{
	if (!guest_uart_base) {
		HYPERVISOR_console_io(CONSOLEIO_write, strlen(s), s);
		return;
	}
	for (; *s; s++) {
		uart_putc(*s);
	}
}

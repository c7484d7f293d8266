/* SPDX-License-Identifier: MIT */
/* PL011 UART, polled, for the hypervisor's own console (PL011 TRM 3.3). */
#include <stdint.h>

#include <sable/arch.h>

#include "arm64.h"

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTIMSC 0x038
#define UARTICR 0x044
#define FR_TXFF (1U << 5)
#define FR_RXFE (1U << 4)

uint32_t uart_spi = 1;
static volatile uint8_t *uart_base = (volatile uint8_t *)0x09000000UL;

static inline uint32_t uart_read(unsigned int reg)
{
	return *(volatile uint32_t *)(uart_base + reg);
}

static inline void uart_write(unsigned int reg, uint32_t v)
{
	*(volatile uint32_t *)(uart_base + reg) = v;
}

void uart_init(uint64_t base)
{
	uart_base = (volatile uint8_t *)base;
}

void uart_enable_rx_irq(void)
{
	uart_write(UARTIMSC, (1U << 4) | (1U << 6)); /* RXIM | RTIM */
}

void uart_ack_irq(void)
{
	uart_write(UARTICR, (1U << 4) | (1U << 6));
}

static void uart_putc(char c)
{
	while (uart_read(UARTFR) & FR_TXFF) {
	}
	uart_write(UARTDR, (uint8_t)c);
}

void arch_console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			uart_putc('\r');
		}
		uart_putc(s[i]);
	}
}

int arch_console_getc(void)
{
	if (uart_read(UARTFR) & FR_RXFE) {
		return -1;
	}
	return (int)(uart_read(UARTDR) & 0xff);
}

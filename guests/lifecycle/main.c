/* SPDX-License-Identifier: MIT */
/*
 * A boot-time domain's life, for the shutdown actions and the console
 * input switch (docs/boot-domains.md), chosen by bootargs:
 *
 * - life.mode=reboot, poweroff or crash: say it is up, wait life.delay_ms
 *   (default 0) and shut down for that reason (SCHEDOP_shutdown).
 * - life.mode=echo: take what is typed on the emulated UART (its receive
 *   interrupt) and answer each line with "life: got '<line>' (N bytes,
 *   first 0xXX)"; the line "off" powers the domain off.
 *
 * Every start also checks that its RAM is fresh: a marker it leaves in a
 * page past its image must not be there when it starts (a restart gets
 * new, zeroed RAM).
 */
#include "guest.h"

/* The emulated PL011 (Arm PL011 TRM 3.3). */
#define UART_DR 0x00
#define UART_FR 0x18
#define UART_IMSC 0x38
#define UART_ICR 0x44
#define UART_FR_RXFE (1U << 4)
#define UART_INT_RX (1U << 4)
#define UART_INT_RT (1U << 6)
#define UART_SPI 32 /* SPI 0, Xen's guest layout */

/* SCHEDOP_shutdown reasons (Xen's sched.h). */
#define REASON_POWEROFF 0
#define REASON_REBOOT 1
#define REASON_CRASH 3

/* 8 MiB into RAM: past the image and its device tree. */
#define MARKER_ADDR 0x40800000UL
#define MARKER 0x5ab1e11feUL

#define LINE_MAX 64

static volatile char line[LINE_MAX];
static volatile unsigned int line_len, lines_done, line_bytes;

static uint32_t uart_read(unsigned int reg)
{
	return *(volatile uint32_t *)(guest_uart_base + reg);
}

static void uart_write(unsigned int reg, uint32_t v)
{
	*(volatile uint32_t *)(guest_uart_base + reg) = v;
}

/* Receive interrupt: drain the FIFO into the line (one at a time). */
static void on_irq(unsigned int intid)
{
	if (intid != UART_SPI) {
		return;
	}
	while (!(uart_read(UART_FR) & UART_FR_RXFE)) {
		char c = (char)(uart_read(UART_DR) & 0xff);

		if (lines_done) {
			continue; /* the last line is not answered yet */
		}
		if (c == '\r' || c == '\n') {
			lines_done = line_len > 0 || line_bytes > 0;
			continue;
		}
		line_bytes++;
		if (line_len + 1 < LINE_MAX) {
			line[line_len++] = c;
		}
	}
	uart_write(UART_ICR, UART_INT_RX | UART_INT_RT);
}

static void answer(void)
{
	char text[LINE_MAX];
	unsigned int n = line_len;

	for (unsigned int i = 0; i < n; i++) {
		char c = line[i];

		text[i] = (c < 0x20 || c > 0x7e) ? '.' : c;
	}
	text[n] = '\0';
	gprintf("life: got '%s' (%u bytes, first 0x%02x)\n", text, line_bytes,
		n ? (unsigned int)(unsigned char)line[0] : 0U);
	if (n == 3 && memcmp(text, "off", 3) == 0) {
		gprintf("life: powering off\n");
		guest_shutdown(REASON_POWEROFF);
	}
	line_len = line_bytes = 0;
	guest_mb();
	lines_done = 0;
}

static void echo(void)
{
	if (!guest_uart_base || gic_init()) {
		gprintf("life: FAIL no emulated UART or GIC\n");
		guest_shutdown(REASON_CRASH);
		return;
	}
	irq_set_handler(on_irq);
	gic_enable_spi(UART_SPI);
	uart_write(UART_IMSC, UART_INT_RX | UART_INT_RT);
	gprintf("life: echo ready\n");
	for (;;) {
		irq_disable();
		if (!lines_done) {
			/* An interrupt pending wakes WFI even while masked. */
			__asm__ volatile("wfi");
		}
		irq_enable();
		if (lines_done) {
			answer();
		}
	}
}

static void wait_ms(unsigned long ms)
{
	uint64_t end = cntvct() + cntfrq() / 1000 * ms;

	/* Polls with a 10 ms timeout: sleeping, not spinning. */
	while (cntvct() < end) {
		struct sched_poll p = { .nr_ports = 0 };
		uint64_t now_ns = cntvct() * 1000000000ULL / cntfrq();

		p.timeout = now_ns + 10000000ULL;
		HYPERVISOR_sched_op(SCHEDOP_poll, &p);
	}
}

void guest_main(const void *dtb)
{
	volatile uint64_t *marker = (volatile uint64_t *)MARKER_ADDR;
	unsigned long delay = gfdt_arg_ulong("life.delay_ms", 0);
	char mode[16] = "poweroff";

	(void)dtb;
	gfdt_arg("life.mode", mode, sizeof(mode));
	gprintf("life: up, mode %s, RAM %s\n", mode,
		*marker == MARKER ? "NOT fresh: FAIL" : "fresh");
	*marker = MARKER;
	guest_mb();
	if (strcmp(mode, "echo") == 0) {
		echo();
		return;
	}
	wait_ms(delay);
	gprintf("life: %s now\n", mode);
	if (strcmp(mode, "reboot") == 0) {
		guest_shutdown(REASON_REBOOT);
	} else if (strcmp(mode, "crash") == 0) {
		guest_shutdown(REASON_CRASH);
	} else {
		guest_shutdown(REASON_POWEROFF);
	}
	for (;;) {
		__asm__ volatile("wfi");
	}
}

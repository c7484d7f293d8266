/* SPDX-License-Identifier: MIT */
/*
 * Host devices of the core's unit tests: the hypervisor console (kept in
 * memory, echoed to stderr when SABLE_LOG is set), cache maintenance
 * (recorded and checked against the RAM arena), the physical GIC (SPI
 * routing recorded) and the vGIC's MMIO windows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sable/arch.h>
#include <sable/domain.h>
#include <sable/mmio.h>
#include <sable/vgic.h>

#include "core_host.h"

/* ---- console ------------------------------------------------------------ */

#define CONSOLE_KEEP (256U << 10)

static char console_buf[CONSOLE_KEEP + 1];
static size_t console_len;
static char input_buf[1024];
static size_t input_len, input_pos;

void arch_console_write(const char *s, size_t len)
{
	static int echo = -1;
	size_t n = MIN(len, CONSOLE_KEEP - console_len);

	if (echo < 0) {
		echo = getenv("SABLE_LOG") != NULL;
	}
	if (echo) {
		fwrite(s, 1, len, stderr);
	}
	memcpy(console_buf + console_len, s, n);
	console_len += n;
	console_buf[console_len] = '\0';
}

int arch_console_getc(void)
{
	if (input_pos == input_len) {
		return -1;
	}
	return (unsigned char)input_buf[input_pos++];
}

const char *host_console_output(void)
{
	return console_buf;
}

void host_console_clear(void)
{
	console_len = 0;
	console_buf[0] = '\0';
}

void host_console_input(const char *s)
{
	size_t n = strlen(s);

	if (input_pos == input_len) {
		input_pos = input_len = 0;
	}
	n = MIN(n, sizeof(input_buf) - input_len);
	memcpy(input_buf + input_len, s, n);
	input_len += n;
}

/* ---- cache maintenance ---------------------------------------------------- */

static struct host_dcache_stats dcache;

void arch_page_zero(void *va)
{
	memset(va, 0, PAGE_SIZE);
}

/* EL2 cleans by VA; the host only checks that the range is memory. */
void arch_dcache_clean(const void *va, size_t len)
{
	uint64_t a = (uint64_t)(uintptr_t)va;

	dcache.calls++;
	dcache.bytes += len;
	dcache.last_va = a;
	dcache.last_len = len;
	if (!host_ram_contains(a, len)) {
		dcache.outside_ram++;
	}
}

void host_dcache_stats(struct host_dcache_stats *s)
{
	*s = dcache;
}

/* ---- physical GIC ------------------------------------------------------- */

#define HOST_MAX_INTID 1020

static bool spi_on[HOST_MAX_INTID];
static unsigned int nr_spis = 64;

void arch_route_spi(unsigned int intid, bool enable)
{
	if (intid < HOST_MAX_INTID) {
		spi_on[intid] = enable;
	}
}

bool host_spi_enabled(unsigned int intid)
{
	return intid < HOST_MAX_INTID && spi_on[intid];
}

unsigned int arch_gic_nr_spis(void)
{
	return nr_spis;
}

void host_gic_set_nr_spis(unsigned int nr)
{
	nr_spis = nr;
}

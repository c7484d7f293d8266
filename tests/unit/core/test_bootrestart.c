/* SPDX-License-Identifier: MIT */
/*
 * Boot-time domains' shutdown actions (sable,on-*: destroy, restart,
 * preserve, the restart limit) and the console input switch with the
 * emulated UART's receive side, through the real boot flow, hypercalls,
 * quiescent points and UART interrupt path.
 */
#include <public/sched.h>
#include <public/xen.h>
#include <sable/mm.h>

#include "boot.h"
#include "console.h"
#include "core_test.h"

static char fdt[16384];

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define FR_RXFE (1U << 4)
#define FR_RXFF (1U << 6)
#define INT_RX (1U << 4)
#define INT_TX (1U << 5)
#define INT_RT (1U << 6)

/* A page of the domain's RAM past hx_kernel's image, before its tree. */
#define MARKER_IPA (GUEST_RAM_BASE + 0x100000)

static enum host_stop_kind shutdown(struct domain *d, unsigned int reason,
				    struct host_stop *stop)
{
	struct sched_shutdown s = { .reason = reason };
	uint64_t args[5] = { SCHEDOP_shutdown, HX_ARG1 };

	hx_put(d, HX_ARG1, &s, sizeof(s));
	return hx_call_stop(d->vcpus[0], __HYPERVISOR_sched_op, args, NULL,
			    stop);
}

static uint32_t uart_read(struct domain *d, uint64_t reg)
{
	struct mmio_access acc = { .ipa = GUEST_PL011_BASE + reg, .size = 4 };

	ASSERT_EQ(mmio_dispatch(d->vcpus[0], &acc), MMIO_HANDLED);
	return (uint32_t)acc.val;
}

static bool console_has(const char *s)
{
	return strstr(host_console_output(), s) != NULL;
}

TEST(boot_domain_restarts_on_reboot_with_its_id_and_fresh_ram)
{
	const struct hx_domu doms[2] = {
		{ .name = "again",
		  .mem_kib = 16384,
		  .vcpus = 1,
		  .on_reboot = "restart" },
		{ .name = "other", .mem_kib = 16384, .vcpus = 1 },
	};
	uint64_t marker = 0x5ab1e, got = 1, free_before;
	struct domain *d1;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, doms, 2);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d1 = domain_lookup(1);
	ASSERT_TRUE(d1 != NULL);
	hx_put(d1, MARKER_IPA, &marker, sizeof(marker));
	free_before = mm_free_pages_count();
	EXPECT_NE(shutdown(d1, SHUTDOWN_reboot, NULL), HOST_MACHINE_EXIT);
	host_quiesce_all();
	d1 = domain_lookup(1);
	ASSERT_TRUE(d1 != NULL);
	EXPECT_FALSE(d1->is_shutdown || d1->is_dying);
	EXPECT_STREQ(d1->name, "again");
	EXPECT_EQ(d1->vcpus[0]->arch.entry, GUEST_RAM_BASE);
	EXPECT_NE(d1->vcpus[0]->state, VCPU_OFFLINE); /* vCPU 0 started */
	hx_get(d1, MARKER_IPA, &got, sizeof(got));
	EXPECT_EQ(got, 0);
	EXPECT_EQ(mm_free_pages_count(), free_before);
	EXPECT_TRUE(console_has("domain 1 (again): restarting"));
	EXPECT_TRUE(console_has("domain 1 (again) destroyed: gone"));
	EXPECT_TRUE(console_has("domain 1 (again) restarted"));
	EXPECT_TRUE(hx_console_clean());
}

/*
 * The restart's new RAM is scrubbed a piece at a time at quiescent
 * points (at most REBUILD_PIECE, 2 MiB, at each), not in one go; the
 * domain is built after the last piece.
 */
TEST(boot_domain_restart_scrubs_its_new_ram_in_pieces)
{
	const struct hx_domu doms[1] = {
		{ .name = "again",
		  .mem_kib = 16384,
		  .vcpus = 1,
		  .on_reboot = "restart" },
	};
	unsigned int scrubbing = 0, built_at = 0;
	uint64_t marker = 0x5ab1e, got = 1;
	struct domain *d1;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, doms, 1);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d1 = domain_lookup(1);
	ASSERT_TRUE(d1 != NULL);
	hx_put(d1, MARKER_IPA, &marker, sizeof(marker));
	EXPECT_NE(shutdown(d1, SHUTDOWN_reboot, NULL), HOST_MACHINE_EXIT);
	for (unsigned int r = 1; domain_destroy_pending() && r < 10000; r++) {
		for (unsigned int c = 0; c < pcpu_count(); c++) {
			host_cpu_select(c);
			domain_quiescent();
		}
		if (domu_boot_rebuild_pending()) {
			scrubbing++;
			EXPECT_TRUE(domain_lookup(1) == NULL);
		} else if (scrubbing && !built_at && domain_lookup(1)) {
			built_at = r;
		}
	}
	/* 8 pieces of 2 MiB, one per pCPU per round. */
	EXPECT_TRUE(scrubbing * pcpu_count() >= 8 - pcpu_count());
	EXPECT_TRUE(built_at > scrubbing);
	d1 = domain_lookup(1);
	ASSERT_TRUE(d1 != NULL);
	hx_get(d1, MARKER_IPA, &got, sizeof(got));
	EXPECT_EQ(got, 0);
	EXPECT_TRUE(console_has("domain 1 (again) restarted"));
	EXPECT_TRUE(hx_console_clean());
}

TEST(boot_domain_destroyed_on_poweroff_gives_its_memory_back)
{
	const struct hx_domu doms[2] = {
		{ .name = "gone",
		  .mem_kib = 16384,
		  .vcpus = 1,
		  .on_poweroff = "destroy" },
		{ .name = "stays", .mem_kib = 16384, .vcpus = 1 },
	};
	uint64_t free_before;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, doms, 2);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	free_before = mm_free_pages_count();
	EXPECT_NE(shutdown(domain_lookup(1), SHUTDOWN_poweroff, NULL),
		  HOST_MACHINE_EXIT);
	host_quiesce_all();
	EXPECT_TRUE(domain_lookup(1) == NULL);
	EXPECT_TRUE(domain_lookup(2) != NULL);
	/* Its 16 MiB of RAM and what the hypervisor held for it. */
	EXPECT_TRUE(mm_free_pages_count() > free_before + 4096);
	EXPECT_TRUE(console_has("domain 1 (gone): destroying"));
	EXPECT_FALSE(console_has("domain 1 (gone) restarted"));
}

TEST(boot_domain_without_actions_is_left_shut_down)
{
	const struct hx_domu doms[2] = {
		{ .name = "kept",
		  .mem_kib = 16384,
		  .vcpus = 1,
		  .on_reboot = "preserve" },
		{ .name = "plain", .mem_kib = 16384, .vcpus = 1 },
	};
	struct domain *d1, *d2;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, doms, 2);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d1 = domain_lookup(1);
	d2 = domain_lookup(2);
	EXPECT_NE(shutdown(d1, SHUTDOWN_reboot, NULL), HOST_MACHINE_EXIT);
	host_quiesce_all();
	EXPECT_TRUE(domain_lookup(1) == d1 && d1->is_shutdown);
	EXPECT_EQ(d1->tot_pages, 4096);
	/* The last one, with no action: the machine ends as before. */
	EXPECT_EQ(shutdown(d2, SHUTDOWN_crash, NULL), HOST_MACHINE_EXIT);
}

TEST(boot_domain_crashing_in_a_loop_is_left_shut_down)
{
	const struct hx_domu dom = { .name = "loop",
				     .mem_kib = 16384,
				     .vcpus = 1,
				     .on_crash = "restart" };
	struct host_stop stop;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, &dom, 1);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	for (int i = 0; i < 5; i++) {
		struct domain *d = domain_lookup(1);

		ASSERT_TRUE(d && !d->is_shutdown);
		/* The only domain, but to be restarted: the machine stays. */
		EXPECT_NE(shutdown(d, SHUTDOWN_crash, NULL), HOST_MACHINE_EXIT);
		host_quiesce_all();
	}
	ASSERT_TRUE(domain_lookup(1) && !domain_lookup(1)->is_shutdown);
	EXPECT_EQ(shutdown(domain_lookup(1), SHUTDOWN_crash, &stop),
		  HOST_MACHINE_EXIT);
	EXPECT_EQ(stop.status, 1);
	EXPECT_TRUE(console_has("domain 1 (loop): restarted 5 times within "
				"10 s: left shut down"));
	EXPECT_TRUE(domain_lookup(1)->is_shutdown);
}

static const struct hx_domu switch_doms[3] = {
	{ .name = "uart1", .mem_kib = 16384, .vcpus = 1, .vpl011 = true },
	{ .name = "nouart", .mem_kib = 16384, .vcpus = 1 },
	{ .name = "uart3", .mem_kib = 16384, .vcpus = 1, .vpl011 = true },
};

static void type(const char *s)
{
	host_console_input(s);
	console_uart_irq();
}

TEST(console_input_goes_round_dom0_uart_domains_and_the_hypervisor)
{
	char buf[8];

	hx_fdt_machine(fdt, sizeof(fdt), 2, "dom0_mem=32M", true, switch_doms,
		       3);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	EXPECT_EQ(console_input_target(), 0);
	EXPECT_TRUE(console_has("console input to d0 (Domain-0)") ||
		    console_has("console input to d0 ("));
	type("ab");
	EXPECT_EQ(console_input_read(buf, sizeof(buf)), 2);
	EXPECT_MEMEQ(buf, "ab", 2);
	type("\x01\x01\x01");
	EXPECT_EQ(console_input_target(), 1);
	EXPECT_TRUE(console_has("console input to d1 (uart1)"));
	type("\x01\x01\x01"); /* domU2 has no UART: skipped */
	EXPECT_EQ(console_input_target(), 3);
	type("\x01\x01\x01");
	EXPECT_EQ(console_input_target(), -1);
	EXPECT_TRUE(console_has("console input to the hypervisor"));
	host_console_clear();
	type("q");
	EXPECT_TRUE(console_has("d2 (nouart): running"));
	EXPECT_TRUE(console_has("free memory: "));
	type("\x01\x01\x01");
	EXPECT_EQ(console_input_target(), 0);
	EXPECT_EQ(console_input_read(buf, sizeof(buf)), 0); /* none leaked */
	EXPECT_TRUE(hx_console_clean());
}

TEST(console_input_fills_the_uart_fifo_and_drops_the_rest)
{
	char many[VPL011_RX_FIFO + 11];
	struct domain *d1;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, switch_doms, 3);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d1 = domain_lookup(1);
	EXPECT_EQ(console_input_target(), 1); /* no dom0: the first UART */
	EXPECT_EQ(uart_read(d1, UARTFR) & FR_RXFE, FR_RXFE);
	EXPECT_EQ(uart_read(d1, UARTRIS), INT_TX);
	EXPECT_EQ(hx_mmio_write(d1->vcpus[0], GUEST_PL011_BASE + UARTIMSC,
				INT_RX | INT_RT),
		  MMIO_HANDLED);
	EXPECT_EQ(uart_read(d1, UARTMIS), 0);
	/* Two Ctrl-a and a byte: all three are passed on. */
	type("\x01\x01z");
	EXPECT_EQ(uart_read(d1, UARTFR) & FR_RXFE, 0);
	EXPECT_EQ(uart_read(d1, UARTMIS), INT_RX | INT_RT);
	EXPECT_EQ(uart_read(d1, UARTDR), 0x01);
	EXPECT_EQ(uart_read(d1, UARTDR), 0x01);
	/* ICR with a byte still waiting: the receive timeout comes back. */
	EXPECT_EQ(hx_mmio_write(d1->vcpus[0], GUEST_PL011_BASE + UARTICR,
				INT_RX | INT_RT),
		  MMIO_HANDLED);
	EXPECT_EQ(uart_read(d1, UARTMIS), INT_RT);
	EXPECT_EQ(uart_read(d1, UARTDR), 'z');
	EXPECT_EQ(uart_read(d1, UARTFR) & FR_RXFE, FR_RXFE);
	EXPECT_EQ(uart_read(d1, UARTMIS), 0);
	EXPECT_EQ(uart_read(d1, UARTDR), 0); /* empty: reads 0 */
	memset(many, 'm', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	type(many);
	EXPECT_EQ(uart_read(d1, UARTFR) & FR_RXFF, FR_RXFF);
	for (int i = 0; i < VPL011_RX_FIFO; i++) {
		EXPECT_EQ(uart_read(d1, UARTDR), 'm');
	}
	EXPECT_EQ(uart_read(d1, UARTFR) & FR_RXFE, FR_RXFE);
	/* Nothing reached domU3. */
	EXPECT_EQ(uart_read(domain_lookup(3), UARTFR) & FR_RXFE, FR_RXFE);
}

TEST(console_input_moves_on_when_its_domain_shuts_down)
{
	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, switch_doms, 3);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	EXPECT_EQ(console_input_target(), 1);
	EXPECT_NE(shutdown(domain_lookup(1), SHUTDOWN_poweroff, NULL),
		  HOST_MACHINE_EXIT);
	EXPECT_EQ(console_input_target(), 3);
	EXPECT_TRUE(console_has("console input to d3 (uart3)"));
	type("\x01\x01\x01"); /* domU1 is shut down: the hypervisor next */
	EXPECT_EQ(console_input_target(), -1);
	type("\x01\x01\x01");
	EXPECT_EQ(console_input_target(), 3);
}

static void uart_puts(struct domain *d, const char *s)
{
	for (; *s; s++) {
		EXPECT_EQ(hx_mmio_write(d->vcpus[0], GUEST_PL011_BASE + UARTDR,
					(uint32_t)(unsigned char)*s),
			  MMIO_HANDLED);
	}
}

TEST(console_input_domain_output_goes_out_at_once_on_its_own_line)
{
	struct domain *d1, *d3;

	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, switch_doms, 3);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	d1 = domain_lookup(1);
	d3 = domain_lookup(3);
	host_console_clear();
	uart_puts(d3, "held"); /* no input: kept until its line ends */
	uart_puts(d1, "up "); /* the input, nothing typed yet: kept too */
	EXPECT_STREQ(host_console_output(), "");
	type("\r"); /* typed to: from now on a byte at a time */
	uart_puts(d1, "d1# ");
	EXPECT_STREQ(host_console_output(), "(d1) up d1# ");
	type("\x01\x01\x01"); /* a hypervisor line ends d1's open line */
	EXPECT_TRUE(console_has("(d1) up d1# \nsable: console input to d3"));
	uart_puts(d1, "x\n"); /* d1 has no input now: a line at a time */
	type("\r"); /* d3 has it, and is typed to */
	uart_puts(d3, "!");
	EXPECT_TRUE(console_has("\n(d1) x\n(d3) held!"));
	uart_puts(d1, "y\n");
	EXPECT_TRUE(console_has("(d3) held!\n(d1) y\n"));
}

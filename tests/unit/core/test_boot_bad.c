/* SPDX-License-Identifier: MIT */
/*
 * Boot-time domains that pass the description checks but fail once their
 * RAM is taken: each is reported, the others still start, and all of its
 * memory comes back.
 */
#include <libfdt.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sable/mm.h>

#include "core_test.h"
#include "domu.h"

static char fdt[16384];
static char long_args[DOMU_CMDLINE_MAX + 16];

/* Free pages once the domains of @u are built (dom0 too). */
static uint64_t free_after_boot(const struct hx_domu *u, unsigned int n)
{
	hx_fdt_machine(fdt, sizeof(fdt), 1, "dom0_mem=32M", true, u, n);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	/* A domain that failed is destroyed in pieces: let them run. */
	for (unsigned int r = 0; domain_destroy_pending() && r < 10000; r++) {
		for (unsigned int c = 0; c < pcpu_count(); c++) {
			host_cpu_select(c);
			domain_quiescent();
		}
	}
	EXPECT_FALSE(domain_destroy_pending());
	return mm_free_count();
}

TEST(boot_domu_failing_after_its_ram_is_taken_gives_it_all_back)
{
	static uint8_t big_image[4096];
	const struct hx_domu good = { .name = "good",
				      .mem_kib = 16384,
				      .vcpus = 1 };
	struct hx_domu u[3] = { good, good, good };
	uint64_t want;
	pid_t pid;
	int st, fds[2];

	/* image_size 3.75 GiB: a header that passes, a domain it cannot fit. */
	memcpy(big_image, hx_kernel, sizeof(big_image));
	big_image[16] = 0;
	big_image[17] = 0;
	big_image[18] = 0;
	big_image[19] = 0xf0;
	memset(long_args, 'a', sizeof(long_args) - 1);
	u[0].name = "chatty";
	u[0].bootargs = long_args;
	u[2].name = "fat";
	u[2].kernel = big_image;
	/*
	 * The same machine with only the good domain, in a child process.
	 * The failing one comes after it, so the hypervisor's small objects
	 * of both do not share pages the comparison would count.
	 */
	ASSERT_EQ(pipe(fds), 0);
	pid = fork();
	ASSERT_TRUE(pid >= 0);
	if (pid == 0) {
		uint64_t f = free_after_boot(&good, 1);

		_exit(write(fds[1], &f, sizeof(f)) == sizeof(f) ? 0 : 1);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ASSERT_EQ(read(fds[0], &want, sizeof(want)), (ssize_t)sizeof(want));
	EXPECT_EQ(free_after_boot(u, 3), want);
	EXPECT_TRUE(domain_lookup(1) == NULL);
	ASSERT_TRUE(domain_lookup(2) != NULL);
	EXPECT_FALSE(domain_lookup(2)->is_shutdown);
	EXPECT_TRUE(domain_lookup(3) == NULL);
	EXPECT_TRUE(strstr(host_console_output(), "domain fat: kernel"));
	EXPECT_TRUE(strstr(host_console_output(), "domain chatty: bootargs"));
}

TEST(boot_domu_module_over_the_hypervisors_memory_is_refused)
{
	struct hx_domu u[2] = {
		{ .name = "first", .mem_kib = 16384, .vcpus = 1 },
		{ .name = "peek", .mem_kib = 16384, .vcpus = 1 },
	};
	struct host_stop stop;

	/* The allocator's own bitmap lies at the start of RAM. */
	u[1].kernel = (const uint8_t *)(uintptr_t)HOST_RAM_BASE;
	hx_fdt_machine(fdt, sizeof(fdt), 1, "dom0_mem=32M", true, u, 2);
	ASSERT_EQ(hx_boot(fdt, &stop), HOST_VCPU_RUN);
	EXPECT_TRUE(strstr(host_console_output(),
			   "boot-time domain peek: a module's reg overlaps "
			   "memory the hypervisor uses") != NULL);
	/* Refused like any malformed description: dom0 still starts. */
	ASSERT_TRUE(domain_lookup(0) != NULL);
	EXPECT_TRUE(stop.vcpu == domain_lookup(0)->vcpus[0]);
	EXPECT_TRUE(domain_lookup(1) == NULL && domain_lookup(2) == NULL);
}

TEST(boot_domu_kernel_module_at_an_odd_address_is_read_as_bytes)
{
	static uint8_t odd[2 * 4096];
	struct hx_domu u = { .name = "odd", .mem_kib = 16384, .vcpus = 1 };

	memcpy(odd + 1, hx_kernel, sizeof(hx_kernel));
	u.kernel = odd + 1;
	hx_fdt_machine(fdt, sizeof(fdt), 1, "", false, &u, 1);
	ASSERT_EQ(hx_boot(fdt, NULL), HOST_VCPU_RUN);
	ASSERT_TRUE(domain_lookup(1) != NULL);
	EXPECT_MEMEQ(hx_va(domain_lookup(1), GUEST_RAM_BASE), hx_kernel, 64);
}

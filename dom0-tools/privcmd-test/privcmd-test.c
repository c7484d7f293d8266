// SPDX-License-Identifier: MIT
/*
 * privcmd-test: map another domain's memory from dom0 userspace through
 * Linux's privcmd driver, as a toolstack or device model does
 * (docs/security.md, foreign mappings).
 *
 *   privcmd-test DOMID GFN
 *
 * 1. IOCTL_PRIVCMD_MMAPBATCH_V2 of DOMID's GFN (the kernel issues
 *    XENMEM_add_to_physmap_batch, gmfn_foreign): the page must read the
 *    arm64 Image magic at 0x38 (GFN is where the domain's kernel was
 *    loaded); a gfn outside the domain's RAM must fail for its entry.
 * 2. IOCTL_PRIVCMD_MMAP_RESOURCE of DOMID's grant table (size query, then
 *    frame 0 mapped: XENMEM_acquire_resource).
 * Prints "privcmd-test: PASS ..." or "privcmd-test: FAIL ..."; exits 0 only
 * on success. Unmapping gives every frame back (XENMEM_remove_from_physmap).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* _IOC(NONE, 'P', nr, size) */
#define IOCTL_PRIVCMD_MMAPBATCH_V2 0x00205004UL
#define IOCTL_PRIVCMD_MMAP_RESOURCE 0x00205007UL

#define RESOURCE_GRANT_TABLE 1
#define IMAGE_MAGIC_OFFSET 0x38
#define IMAGE_MAGIC 0x644d5241U /* "ARM\x64" */
#define PAGE 4096UL

struct mmapbatch_v2 {
	uint32_t num;
	uint16_t dom;
	uint64_t addr;
	const uint64_t *arr;
	int *err;
};

struct mmap_resource {
	uint16_t dom;
	uint32_t type;
	uint32_t id;
	uint32_t idx;
	uint64_t num;
	uint64_t addr;
};

static int fail(const char *what, int err)
{
	printf("privcmd-test: FAIL %s (%s)\n", what, strerror(err));
	return 1;
}

static void *map_area(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* One foreign page: 0 and the page mapped at *out, or an errno. */
static int map_foreign(int fd, uint16_t dom, uint64_t gfn, void **out)
{
	int err = 0;
	struct mmapbatch_v2 b = {
		.num = 1, .dom = dom, .arr = &gfn, .err = &err
	};
	void *p = map_area(fd, PAGE);

	if (!p) {
		return errno;
	}
	b.addr = (uint64_t)(uintptr_t)p;
	if (ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b) != 0 || err) {
		int e = err ? -err : errno;

		munmap(p, PAGE);
		return e ? e : EIO;
	}
	*out = p;
	return 0;
}

int main(int argc, char **argv)
{
	uint16_t dom;
	uint64_t gfn;
	struct mmap_resource r = { .type = RESOURCE_GRANT_TABLE };
	uint32_t magic;
	void *p;
	int fd, rc;

	if (argc != 3) {
		fprintf(stderr, "usage: privcmd-test DOMID GFN\n");
		return 2;
	}
	dom = (uint16_t)strtoul(argv[1], NULL, 0);
	gfn = strtoull(argv[2], NULL, 0);
	fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		return fail("open /dev/xen/privcmd", errno);
	}
	rc = map_foreign(fd, dom, gfn, &p);
	if (rc) {
		return fail("foreign mapping", rc);
	}
	memcpy(&magic, (char *)p + IMAGE_MAGIC_OFFSET, sizeof(magic));
	munmap(p, PAGE);
	if (magic != IMAGE_MAGIC) {
		printf("privcmd-test: FAIL magic 0x%08x\n", magic);
		return 1;
	}
	printf("privcmd-test: foreign page of d%u at 0x%llx has the Image "
	       "magic\n",
	       dom, (unsigned long long)gfn);
	if (map_foreign(fd, dom, 0x100000000ULL >> 12, &p) == 0) {
		munmap(p, PAGE);
		printf("privcmd-test: FAIL a gfn outside d%u's RAM was "
		       "mapped\n",
		       dom);
		return 1;
	}
	r.dom = dom;
	if (ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r) != 0 || !r.num) {
		return fail("grant table size query", errno);
	}
	printf("privcmd-test: d%u's grant table may have %llu frames\n", dom,
	       (unsigned long long)r.num);
	p = map_area(fd, PAGE);
	if (!p) {
		return fail("mmap", errno);
	}
	r.num = 1;
	r.addr = (uint64_t)(uintptr_t)p;
	if (ioctl(fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &r) != 0) {
		return fail("grant table frame 0", errno);
	}
	/* An entry's flags word: readable, whatever the domain granted. */
	memcpy(&magic, p, sizeof(magic));
	munmap(p, PAGE);
	close(fd);
	printf("privcmd-test: PASS foreign page and grant frame of d%u mapped "
	       "and given back\n",
	       dom);
	return 0;
}

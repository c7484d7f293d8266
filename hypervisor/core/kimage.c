/* SPDX-License-Identifier: MIT */
/* The arm64 Image header (Linux's booting.rst): where and how big. */
#include <sable/errno.h>
#include <sable/lib.h>

#include "boot.h"

#define ARM64_IMAGE_MAGIC 0x644d5241U

struct image_header {
	uint32_t code0, code1;
	uint64_t text_offset, image_size, flags, res2, res3, res4;
	uint32_t magic, res5;
};

int arm64_image_info(const void *img, uint64_t size, uint64_t *text_offset,
		     uint64_t *span)
{
	struct image_header h;

	if (size < sizeof(h)) {
		return -EINVAL;
	}
	/* A module may start at any byte: read the header as bytes. */
	memcpy(&h, img, sizeof(h));
	if (h.magic != ARM64_IMAGE_MAGIC || h.text_offset >= (1UL << 30) ||
	    h.image_size >= (1UL << 32)) {
		return -EINVAL;
	}
	*text_offset = h.text_offset;
	*span = h.image_size > size ? h.image_size : size;
	return 0;
}

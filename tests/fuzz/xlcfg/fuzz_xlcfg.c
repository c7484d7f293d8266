/* SPDX-License-Identifier: MIT */
/*
 * The xl.cfg parser on arbitrary input: the bytes up to the first NUL are
 * the file, each NUL-separated piece after it a command-line override.
 * Every input either parses (and dumps) or gives one error line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xlcfg cfg;
	static char dump[64 * 1024];
	char err[XLCFG_ERR_MAX];
	const char *argv[8];
	unsigned int n = 0;
	char *copy = malloc(size + 1);
	size_t file_len, i;

	memcpy(copy, data, size);
	copy[size] = '\0';
	file_len = strnlen(copy, size);
	for (i = file_len; i < size && n < 8; i++) {
		if (copy[i] == '\0' && i + 1 <= size) {
			argv[n++] = &copy[i + 1];
		}
	}
	if (xlcfg_parse(&cfg, "f.cfg", copy, file_len, argv, n, err) == 0) {
		xlcfg_dump(&cfg, dump, sizeof(dump));
	} else if (!err[0]) {
		abort(); /* a failure always says why */
	}
	free(copy);
	return 0;
}

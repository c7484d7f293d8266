/* SPDX-License-Identifier: MIT */
#include "ut.h"

int main(int argc, char **argv)
{
	return ut_main(argc, argv);
}

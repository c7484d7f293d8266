/* SPDX-License-Identifier: MIT */
/* xl's entry point: everything else is in xl_main() (xl.c). */
#include "xl.h"

int main(int argc, char **argv)
{
	return xl_main(argc, argv);
}

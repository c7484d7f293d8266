/* SPDX-License-Identifier: MIT */
/* The portable part of boot, after the arch has the machine running. */
#pragma once

struct machine;

__attribute__((noreturn)) void boot_main(struct machine *m);

/* dom0_build.c */
int dom0_build(struct machine *m);

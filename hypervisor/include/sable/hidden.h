/* SPDX-License-Identifier: MIT */
/*
 * Included first in every file of the hypervisor image (-include): all of
 * its symbols bind within the image, so a call to a function of another
 * file is a direct BL and a global is reached PC-relative, never through
 * the GOT. Under QEMU's TCG an indirect branch costs a translation-block
 * lookup; the trap paths cross files several times per trap.
 */
#pragma GCC visibility push(hidden)

/* SPDX-License-Identifier: MIT */
/* The test guest ctl-test builds a domain from (guests/hello). */
	.section .rodata
	.balign 16
	.global ctl_guest_image, ctl_guest_image_end
ctl_guest_image:
	.incbin GUEST_IMAGE
ctl_guest_image_end:
	.section .note.GNU-stack, "", %progbits

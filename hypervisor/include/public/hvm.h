/* SPDX-License-Identifier: MIT */
/* HVMOP_* and the HVM parameters an arm guest reads (hvm/params.h). */
#pragma once

#include <stdint.h>

#define HVMOP_set_param 0
#define HVMOP_get_param 1

struct xen_hvm_param {
	uint16_t domid; /* IN */
	uint16_t pad;
	uint32_t index; /* IN */
	uint64_t value; /* IN/OUT */
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param");

#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_PARAM_MONITOR_RING_PFN 28
#define HVM_NR_PARAMS 40

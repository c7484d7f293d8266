/* SPDX-License-Identifier: MIT */
/* Between domain.c (creation, pause) and domain_destroy.c (teardown). */
#pragma once

#include <sable/domain.h>

/* Pause every vCPU of @d and wait until none runs (pause_lock held). */
void domain_pause_vcpus(struct domain *d);
/* @d leaves domains[]: lookups miss it and its id may be reused. */
void domain_unlist(struct domain *d);
/* Free what teardown left (vCPUs, vGIC, shared_info, ...) and @d. */
void domain_free(struct domain *d);
/* page.c's hook: the last frame of domain @id was freed. */
void domain_frames_gone(domid_t id);

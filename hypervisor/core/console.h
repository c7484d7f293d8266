/* SPDX-License-Identifier: MIT */
/* Console plumbing between the UART, the log and the domains. */
#pragma once

#include <stddef.h>

struct domain;

void console_write_raw(const char *s, size_t len);
void console_guest_output(struct domain *d, const char *s, size_t len);
/* Input typed on the hypervisor console, queued for dom0. */
void console_input_push(char c);
size_t console_input_read(char *buf, size_t len);
void console_set_level(int level);
/*
 * A destroyed domain's id is free again: its console state (half a line,
 * an escape sequence, rate limits) is not inherited by the next one.
 */
void console_domain_forget(unsigned int domid);
void console_uart_irq(void);

/* SPDX-License-Identifier: MIT */
/* Console plumbing between the UART, the log and the domains. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
/* Bytes arrived on the hypervisor's UART: to whoever has the input. */
void console_uart_irq(void);
/*
 * The console input switch (console_input.c): start it at the end of boot
 * (dom0, else the first domU with an emulated UART, else the hypervisor);
 * a domain shutting down or dying hands the input on if it has it; who
 * has it (a domain id, or -1 for the hypervisor).
 */
void console_input_start(void);
void console_input_domain_down(unsigned int domid);
int console_input_target(void);

/* Bytes of console output kept for console_history_read(). */
#define CONSOLE_HISTORY (64U * 1024)
/*
 * Copy at most @len bytes of the console's history from byte *@index (or
 * the oldest kept, if that is gone) into @buf; *@index moves past them.
 * With @clear, what was read is forgotten. Returns the bytes copied.
 */
size_t console_history_read(uint64_t *index, char *buf, size_t len, bool clear);

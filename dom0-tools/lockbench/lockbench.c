/* SPDX-License-Identifier: MIT */
/*
 * Lock-holder preemption benchmark (docs/benchmarks.md, BENCH=sched):
 * THREADS threads take one ticket spinlock in turn for SECONDS seconds,
 * each doing a little work inside and outside the lock, and the total
 * number of critical sections per second is printed. Waiters wait as
 * Linux's own arm64 spinlocks do (load-exclusive, then WFE until the
 * lock word changes), so a hypervisor that traps WFE may give the pCPU
 * away while a lock holder is preempted.
 *
 *   lockbench THREADS SECONDS
 *   -> LOCKBENCH threads=4 seconds=5 ops=123456 ops_per_s=24691
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 64
#define WORK 200

static struct {
	uint32_t next;
	uint32_t owner;
} lock;
static volatile int stop;
static uint64_t ops[MAX_THREADS];
static volatile uint64_t shared;

static uint32_t load_owner_wait(uint32_t ticket)
{
	uint32_t v;

	/* Arm the exclusive monitor on the lock word, sleep until it moves. */
	__asm__ volatile("sevl\n"
			 "1: wfe\n"
			 "ldaxr %w0, [%1]\n"
			 "cmp %w0, %w2\n"
			 "b.ne 1b\n"
			 : "=&r"(v)
			 : "r"(&lock.owner), "r"(ticket)
			 : "memory", "cc");
	return v;
}

static void ticket_lock(void)
{
	uint32_t t = __atomic_fetch_add(&lock.next, 1, __ATOMIC_RELAXED);

	if (__atomic_load_n(&lock.owner, __ATOMIC_ACQUIRE) != t) {
		(void)load_owner_wait(t);
	}
}

static void ticket_unlock(void)
{
	__atomic_store_n(&lock.owner, lock.owner + 1, __ATOMIC_RELEASE);
}

static void *worker(void *arg)
{
	uint64_t *mine = arg;
	volatile uint64_t local = 0;

	while (!stop) {
		ticket_lock();
		for (int i = 0; i < WORK; i++) {
			shared++;
		}
		ticket_unlock();
		for (int i = 0; i < WORK; i++) {
			local++;
		}
		(*mine)++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[MAX_THREADS];
	int n, secs;
	uint64_t total = 0;

	if (argc != 3 || (n = atoi(argv[1])) < 1 || n > MAX_THREADS ||
	    (secs = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: lockbench THREADS SECONDS\n");
		return 2;
	}
	for (int i = 0; i < n; i++) {
		if (pthread_create(&th[i], NULL, worker, &ops[i])) {
			perror("pthread_create");
			return 1;
		}
	}
	sleep((unsigned int)secs);
	stop = 1;
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		total += ops[i];
	}
	printf("LOCKBENCH threads=%d seconds=%d ops=%llu ops_per_s=%llu\n", n,
	       secs, (unsigned long long)total,
	       (unsigned long long)(total / (uint64_t)secs));
	return 0;
}

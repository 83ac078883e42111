/*
 * panic/profile.c — the sampling profiler (internal/profile.h).
 *
 * Samples are counted per function in an open-addressing table keyed by the function's start
 * address (sym_lookup): no allocation, no lock held across anything but the table update
 * (a try-lock: a tick that finds it busy on another CPU is counted as dropped).
 */
#include "internal/bootinfo.h"
#include "internal/printk.h"
#include "internal/profile.h"
#include "internal/symbols.h"
#include "internal/trap.h"

#define PROFILE_SLOTS 2048 /* a power of two */
#define PROFILE_TOP 40

struct profile_slot {
	u64 func;   /* the function's start address; 0: free */
	u64 count;
};

static bool profile_on;
static u32 profile_busy; /* (atomic) the table's try-lock */
static struct profile_slot profile_table[PROFILE_SLOTS];
static u64 profile_user, profile_kernel, profile_unknown, profile_dropped, profile_full;

void profile_init(void)
{
	profile_on = boot_cmdline_option("profile", &(size_t){ 0 }) != NULL;
	if (profile_on)
		printk(FW_LOG_INFO, "profile: sampling every timer tick");
}

static void count_locked(u64 func)
{
	u64 h = (func >> 4) * 0x9e3779b97f4a7c15ull;
	for (u32 i = 0; i < PROFILE_SLOTS; i++) {
		/* SAFETY: the index is masked to PROFILE_SLOTS - 1, inside the table. */
		struct profile_slot *s = &profile_table[(h + i) & (PROFILE_SLOTS - 1)];
		if (s->func == func || s->func == 0) {
			s->func = func;
			s->count++;
			return;
		}
	}
	profile_full++;
}

void profile_tick(const struct trap_frame *f)
{
	if (!profile_on)
		return;
	/* SAFETY: an atomic exchange on the table's flag; the table is touched only while
	 * holding it (interrupts are off in the handler, so the holder cannot be preempted). */
	if (__atomic_exchange_n(&profile_busy, 1, __ATOMIC_ACQUIRE)) {
		/* SAFETY: a relaxed atomic increment of a statistic. */
		__atomic_add_fetch(&profile_dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	if ((f->cs & 3) == 3) {
		profile_user++;
	} else {
		u64 off = 0;
		if (sym_lookup(f->rip, &off)) {
			profile_kernel++;
			count_locked(f->rip - off);
		} else {
			profile_unknown++;
		}
	}
	/* SAFETY: releases the flag taken above. */
	__atomic_store_n(&profile_busy, 0, __ATOMIC_RELEASE);
}

void profile_report(void)
{
	if (!profile_on)
		return;
	/* SAFETY: as in profile_tick; held to the end (power off follows). */
	while (__atomic_exchange_n(&profile_busy, 1, __ATOMIC_ACQUIRE))
		;
	u64 total = profile_user + profile_kernel + profile_unknown;
	printk(FW_LOG_INFO, "profile: %lu samples: %lu user, %lu kernel, %lu unknown; "
	       "%lu dropped, %lu beyond the table", total, profile_user, profile_kernel,
	       profile_unknown, profile_dropped, profile_full);
	/* The top functions, by selection: repeatedly take the largest and clear it. */
	for (u32 rank = 0; rank < PROFILE_TOP && total; rank++) {
		struct profile_slot *best = NULL;
		for (u32 i = 0; i < PROFILE_SLOTS; i++)
			if (profile_table[i].count && (!best || profile_table[i].count > best->count))
				best = &profile_table[i];
		if (!best)
			break;
		u64 off = 0;
		const char *name = sym_lookup(best->func, &off);
		u64 permille = best->count * 1000 / total;
		printk(FW_LOG_INFO, "profile: %3lu.%lu%% %6lu %s", permille / 10, permille % 10,
		       best->count, name ? name : "?");
		best->count = 0;
	}
}

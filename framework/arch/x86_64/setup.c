/*
 * setup.c — boot_main64(): the framework's initialisation order on x86-64, then the kernel.
 *
 * Order matters and each step relies only on the ones before it:
 *   console (serial)  -> boot info (PVH/Multiboot2) -> descriptor tables (traps reportable)
 *   -> clock (TSC/HPET, through the early identity map) -> stacks registered, boot page tables
 *   (guard pages live) -> symbols -> CPU protections -> APIC tick -> interrupts on -> ktests or
 *   kernel_main().
 */
#include <fw/boot.h>
#include <fw/time.h>

#include "internal/bootinfo.h"
#include "internal/clock.h"
#include "internal/ktest_run.h"
#include "internal/mm.h"
#include "internal/paging.h"
#include "internal/power.h"
#include "internal/profile.h"
#include "internal/printk.h"
#include "internal/serial.h"
#include "internal/smp.h"
#include "internal/stacks.h"
#include "internal/symbols.h"
#include "internal/task.h"
#include "internal/trap.h"
#include "internal/user.h"
#include "internal/vdso.h"
#include "arch/x86_64/x86.h"

#define PVH_MARK 0x336ec578u
#define MB2_MAGIC 0x36d76289u

struct guarded_big_stack boot_stack STACK_SECTION;

extern const u8 __kernel_phys_start[], __kernel_phys_end[];

static const char *mem_type_name(enum fw_mem_type t)
{
	switch (t) {
	case FW_MEM_USABLE: return "usable";
	case FW_MEM_RESERVED: return "reserved";
	case FW_MEM_ACPI_RECLAIMABLE: return "ACPI data";
	case FW_MEM_ACPI_NVS: return "ACPI NVS";
	case FW_MEM_BAD: return "bad";
	}
	return "?";
}

static void print_boot_info(void)
{
	printk(FW_LOG_INFO, "boot: protocol %s, command line \"%s\"",
	       boot_info.protocol == BOOT_PROTO_PVH ? "PVH" : "Multiboot2", boot_info.cmdline);
	if (boot_info.initrd_size)
		printk(FW_LOG_INFO, "boot: initrd at %lx, %lu bytes", boot_info.initrd_phys,
		       boot_info.initrd_size);
	else
		printk(FW_LOG_INFO, "boot: no initrd");
	printk(FW_LOG_INFO, "boot: memory map (%zu entries, %lu MiB usable):", boot_info.mem_count,
	       fw_boot_usable_bytes() >> 20);
	for (size_t i = 0; i < boot_info.mem_count; i++) {
		/* SAFETY: i < mem_count <= BOOTINFO_MEM_MAX (the array's size). */
		const struct fw_mem_region *r = &boot_info.mem[i];
		printk(FW_LOG_INFO, "boot:   [%016lx-%016lx] %s", r->base,
		       r->base + r->len_bytes - 1, mem_type_name(r->type));
	}
}

/* SMEP/SMAP: on when the CPU has them (no user pages exist yet, so nothing breaks). */
static void cpu_protections_init(void)
{
	struct cpuid_regs l0 = cpuid(0, 0);
	if (l0.eax < 7)
		return;
	struct cpuid_regs l7 = cpuid(7, 0);
	u64 cr4 = read_cr4();
	if (l7.ebx & (1u << 7))
		cr4 |= CR4_SMEP;
	if (l7.ebx & (1u << 20))
		cr4 |= CR4_SMAP;
	write_cr4(cr4);
	printk(FW_LOG_INFO, "cpu: SMEP %s, SMAP %s", (cr4 & CR4_SMEP) ? "on" : "absent",
	       (cr4 & CR4_SMAP) ? "on" : "absent");
}

__attribute__((noreturn)) void boot_main64(u32 magic, u32 info_phys, u64 entry_tsc, u32 nxe);

void boot_main64(u32 magic, u32 info_phys, u64 entry_tsc, u32 nxe)
{
	boot_magic = magic;
	boot_info_phys = info_phys;
	boot_entry_tsc = entry_tsc;
	stack_guard_init(rdtsc() ^ ((u64)info_phys << 32));
	serial_init();

	/* SAFETY: linker-defined addresses; arithmetic only. */
	boot_info.kernel_phys_start = (u64)(uintptr_t)__kernel_phys_start;
	boot_info.kernel_phys_end = (u64)(uintptr_t)__kernel_phys_end;
	if (magic == PVH_MARK) {
		pvh_parse(info_phys);
	} else if (magic == MB2_MAGIC) {
		multiboot2_parse(info_phys);
	} else {
		printk(FW_LOG_ERR, "boot: unknown boot protocol (magic %x); halting", magic);
		power_halt_all();
	}
	console_loglevel = console_level_from_cmdline(); /* quiet, loglevel=N, debug (fw/log.h) */

	cpu_tables_init();
	clock_init(); /* first, so that every following line has a real timestamp */
	big_stack_register_guarded(&boot_stack, "boot");
	smp_early_init(); /* %gs, task 0 (lock tracking), run queues */
	ktest_early_init();
	paging_init(nxe != 0);
	symbols_init();
	profile_init();
	lockdep_init(); /* lockdep=0: no lock-order check */
	printk(FW_LOG_INFO, "Trellis framework: booting (symbols %s)",
	       symbols_present() ? "embedded" : "absent");
	print_boot_info();
	mm_init(); /* frames, kernel page tables (identity map gone), heap */
	cpu_protections_init();
	user_init(); /* syscall MSRs, FPU/SSE, SMAP for user copies */
	vdso_init(); /* the vDSO's frames and data page */
	apic_timer_init();
	console_rx_init(); /* console input by interrupt (I/O APIC) */
	smp_late_init(); /* IPIs, TLB shootdown, the other processors */
	irq_enable();

	u64 now = fw_time_ns();
	printk(FW_LOG_INFO, "boot: kernel entered at %lu.%03lu ms after reset, framework ready at "
			    "%lu.%03lu ms (%lu us in the framework)",
	       (unsigned long)(fw_time_boot_entry_ns() / 1000000),
	       (unsigned long)(fw_time_boot_entry_ns() / 1000 % 1000),
	       (unsigned long)(now / 1000000), (unsigned long)(now / 1000 % 1000),
	       (unsigned long)((now - fw_time_boot_entry_ns()) / 1000));

	ktest_main(); /* returns only when the command line asks for no tests */

	kernel_main();
	printk(FW_LOG_INFO, "kernel_main returned; idling (Ctrl-A X quits QEMU)");
	for (;;)
		irq_enable_and_halt();
}

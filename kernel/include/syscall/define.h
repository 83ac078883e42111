/*
 * syscall/define.h — SYSCALL_DEFINE0..6: a system-call handler with named, typed parameters
 * instead of reads of a->aN. Each parameter is a pair (kind, name); the kind says the C type
 * the handler sees and how the register's 64 bits become it, as the Linux prototype declares:
 *
 *   int    int (the low 32 bits, sign included: an `int` argument's upper half is whatever
 *          user space left there, and musl sign-extends; wait4 read its options as 64 bits
 *          and refused musl's __WCLONE, bit 31, with EINVAL)
 *   uint   u32 (the low 32 bits: unsigned int, mode_t, uid_t, gid_t)
 *   long   i64
 *   ulong  u64 (unsigned long; also a user address a helper takes as a number)
 *   size   size_t
 *   uptr   struct uaddr (a user address, for fw/uaccess.h's copies)
 *
 * Usage, in the family's .c file (the table's sys_<name> is declared in syscall/syscall.h):
 *
 *   SYSCALL_DEFINE3(setresuid, uint, ruid, uint, euid, uint, suid)
 *   {
 *           ... p (the calling process), ruid, euid, suid in scope ...
 *   }
 *
 * defines `i64 sys_setresuid(struct thread *p, const struct user_syscall *a)`, which converts the
 * arguments and calls the body, a static function the compiler inlines. A kind that is not
 * in the list above does not compile (no sc_kind_<kind>).
 */
#ifndef KERNEL_SYSCALL_DEFINE_H
#define KERNEL_SYSCALL_DEFINE_H

#include <fw/vmspace.h>
#include <syscall/syscall.h>

typedef int sc_kind_int;
typedef u32 sc_kind_uint;
typedef i64 sc_kind_long;
typedef u64 sc_kind_ulong;
typedef size_t sc_kind_size;
typedef struct uaddr sc_kind_uptr;

static inline int sc_arg_int(u64 v)
{
	return (int)(i32)(u32)v;
}
static inline u32 sc_arg_uint(u64 v)
{
	return (u32)v;
}
static inline i64 sc_arg_long(u64 v)
{
	return (i64)v;
}
static inline u64 sc_arg_ulong(u64 v)
{
	return v;
}
static inline size_t sc_arg_size(u64 v)
{
	return (size_t)v;
}
static inline struct uaddr sc_arg_uptr(u64 v)
{
	return uaddr(v);
}

#define SC_PARAM_(kind, name) sc_kind_##kind name
#define SC_ARG_(kind, field) sc_arg_##kind(a->field)

#define SC_DEFINE_(name, params, args)                                                   \
	static i64 sysdef_##name params;                                                  \
	i64 sys_##name(struct thread *p, const struct user_syscall *a)                         \
	{                                                                                  \
		(void)a;                                                                   \
		return sysdef_##name args;                                                 \
	}                                                                                  \
	static i64 sysdef_##name params

#define SYSCALL_DEFINE0(name) SC_DEFINE_(name, (struct thread * p), (p))
#define SYSCALL_DEFINE1(name, k1, n1)                                                     \
	SC_DEFINE_(name, (struct thread * p, SC_PARAM_(k1, n1)), (p, SC_ARG_(k1, a0)))
#define SYSCALL_DEFINE2(name, k1, n1, k2, n2)                                             \
	SC_DEFINE_(name, (struct thread * p, SC_PARAM_(k1, n1), SC_PARAM_(k2, n2)),       \
		   (p, SC_ARG_(k1, a0), SC_ARG_(k2, a1)))
#define SYSCALL_DEFINE3(name, k1, n1, k2, n2, k3, n3)                                     \
	SC_DEFINE_(name,                                                                   \
		   (struct thread * p, SC_PARAM_(k1, n1), SC_PARAM_(k2, n2),              \
		    SC_PARAM_(k3, n3)),                                                    \
		   (p, SC_ARG_(k1, a0), SC_ARG_(k2, a1), SC_ARG_(k3, a2)))
#define SYSCALL_DEFINE4(name, k1, n1, k2, n2, k3, n3, k4, n4)                             \
	SC_DEFINE_(name,                                                                   \
		   (struct thread * p, SC_PARAM_(k1, n1), SC_PARAM_(k2, n2),              \
		    SC_PARAM_(k3, n3), SC_PARAM_(k4, n4)),                                 \
		   (p, SC_ARG_(k1, a0), SC_ARG_(k2, a1), SC_ARG_(k3, a2), SC_ARG_(k4, a3)))
#define SYSCALL_DEFINE5(name, k1, n1, k2, n2, k3, n3, k4, n4, k5, n5)                     \
	SC_DEFINE_(name,                                                                   \
		   (struct thread * p, SC_PARAM_(k1, n1), SC_PARAM_(k2, n2),              \
		    SC_PARAM_(k3, n3), SC_PARAM_(k4, n4), SC_PARAM_(k5, n5)),              \
		   (p, SC_ARG_(k1, a0), SC_ARG_(k2, a1), SC_ARG_(k3, a2), SC_ARG_(k4, a3),     \
		    SC_ARG_(k5, a4)))
#define SYSCALL_DEFINE6(name, k1, n1, k2, n2, k3, n3, k4, n4, k5, n5, k6, n6)             \
	SC_DEFINE_(name,                                                                   \
		   (struct thread * p, SC_PARAM_(k1, n1), SC_PARAM_(k2, n2),              \
		    SC_PARAM_(k3, n3), SC_PARAM_(k4, n4), SC_PARAM_(k5, n5),               \
		    SC_PARAM_(k6, n6)),                                                    \
		   (p, SC_ARG_(k1, a0), SC_ARG_(k2, a1), SC_ARG_(k3, a2), SC_ARG_(k4, a3),     \
		    SC_ARG_(k5, a4), SC_ARG_(k6, a5)))

#endif

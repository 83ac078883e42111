/*
 * cred.c — the credential calls with Linux's rules (credentials(7), setresuid(2)): the
 * set*uid/set*gid families, their getres* readers and setgroups/getgroups. Privilege is an
 * effective uid of 0 (capabilities are not modelled). An id of -1 leaves that id unchanged.
 * setfsuid/setfsgid are not implemented (file checks use the effective ids).
 */
#include <fw/uaccess.h>
#include <syscall/syscall.h>

#define NO_ID 0xffffffffu

DEFINE_UCOPY(ucred_id, u32);

static bool privileged(const struct cred *c)
{
	return c->euid == 0;
}

/* one_of - whether an unprivileged caller may take id: it is already one of its three ids. */
static bool one_of(u32 id, u32 r, u32 e, u32 s)
{
	return id == r || id == e || id == s;
}

/* setres - the common core: each of r/e/s is NO_ID (unchanged) or the new id; an unprivileged
 * caller may only pick among its current real, effective and saved ids. */
static int setres(u32 *rp, u32 *ep, u32 *sp, u32 r, u32 e, u32 s, bool priv)
{
	if (!priv) {
		if (r != NO_ID && !one_of(r, *rp, *ep, *sp))
			return -EPERM;
		if (e != NO_ID && !one_of(e, *rp, *ep, *sp))
			return -EPERM;
		if (s != NO_ID && !one_of(s, *rp, *ep, *sp))
			return -EPERM;
	}
	if (r != NO_ID)
		*rp = r;
	if (e != NO_ID)
		*ep = e;
	if (s != NO_ID)
		*sp = s;
	return 0;
}

i64 sys_setresuid(struct process *p, const struct sc_args *a)
{
	struct cred *c = &p->fs.cred;
	return setres(&c->uid, &c->euid, &c->suid, (u32)a->a[0], (u32)a->a[1], (u32)a->a[2],
		      privileged(c));
}

i64 sys_setresgid(struct process *p, const struct sc_args *a)
{
	struct cred *c = &p->fs.cred;
	return setres(&c->gid, &c->egid, &c->sgid, (u32)a->a[0], (u32)a->a[1], (u32)a->a[2],
		      privileged(c));
}

/* setre - setreuid(2): an unprivileged real id may become the effective id (or stay), an
 * effective id any of real/effective/saved; the saved id follows the new effective id when
 * the real id is set or the effective id differs from the old real id. */
static int setre(u32 *rp, u32 *ep, u32 *sp, u32 r, u32 e, bool priv)
{
	if (!priv) {
		if (r != NO_ID && r != *rp && r != *ep)
			return -EPERM;
		if (e != NO_ID && !one_of(e, *rp, *ep, *sp))
			return -EPERM;
	}
	u32 old_r = *rp;
	if (r != NO_ID)
		*rp = r;
	if (e != NO_ID)
		*ep = e;
	if (r != NO_ID || (e != NO_ID && e != old_r))
		*sp = *ep;
	return 0;
}

i64 sys_setreuid(struct process *p, const struct sc_args *a)
{
	struct cred *c = &p->fs.cred;
	return setre(&c->uid, &c->euid, &c->suid, (u32)a->a[0], (u32)a->a[1], privileged(c));
}

i64 sys_setregid(struct process *p, const struct sc_args *a)
{
	struct cred *c = &p->fs.cred;
	return setre(&c->gid, &c->egid, &c->sgid, (u32)a->a[0], (u32)a->a[1], privileged(c));
}

/* set1 - setuid(2): privileged, all three ids; otherwise only the effective id, and only to
 * the real or saved id. */
static int set1(u32 *rp, u32 *ep, u32 *sp, u32 id, bool priv)
{
	if (id == NO_ID)
		return -EINVAL;
	if (priv) {
		*rp = *ep = *sp = id;
		return 0;
	}
	if (id != *rp && id != *sp)
		return -EPERM;
	*ep = id;
	return 0;
}

i64 sys_setuid(struct process *p, const struct sc_args *a)
{
	struct cred *c = &p->fs.cred;
	return set1(&c->uid, &c->euid, &c->suid, (u32)a->a[0], privileged(c));
}

i64 sys_setgid(struct process *p, const struct sc_args *a)
{
	struct cred *c = &p->fs.cred;
	return set1(&c->gid, &c->egid, &c->sgid, (u32)a->a[0], privileged(c));
}

static i64 getres(u32 r, u32 e, u32 s, const struct sc_args *a)
{
	if (ucred_id_to_user(&r, uaddr(a->a[0])) || ucred_id_to_user(&e, uaddr(a->a[1])) ||
	    ucred_id_to_user(&s, uaddr(a->a[2])))
		return -EFAULT;
	return 0;
}

i64 sys_getresuid(struct process *p, const struct sc_args *a)
{
	const struct cred *c = &p->fs.cred;
	return getres(c->uid, c->euid, c->suid, a);
}

i64 sys_getresgid(struct process *p, const struct sc_args *a)
{
	const struct cred *c = &p->fs.cred;
	return getres(c->gid, c->egid, c->sgid, a);
}

/* getgroups(size, list): size 0 asks for the count; a smaller size is EINVAL. */
i64 sys_getgroups(struct process *p, const struct sc_args *a)
{
	const struct cred *c = &p->fs.cred;
	i32 size = (i32)a->a[0];
	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((u32)size < c->ngroups)
		return -EINVAL;
	for (u32 i = 0; i < c->ngroups && i < CRED_NGROUPS; i++) {
		u32 g = c->groups[i];
		if (ucred_id_to_user(&g, uaddr(a->a[1] + 4ull * i)))
			return -EFAULT;
	}
	return c->ngroups;
}

/* setgroups(size, list): privileged only; more than CRED_NGROUPS is EINVAL here (Linux
 * allows NGROUPS_MAX, 65536). */
i64 sys_setgroups(struct process *p, const struct sc_args *a)
{
	struct cred *c = &p->fs.cred;
	u64 size = a->a[0];
	if (!privileged(c))
		return -EPERM;
	if (size > CRED_NGROUPS)
		return -EINVAL;
	u32 g[CRED_NGROUPS];
	for (u64 i = 0; i < size && i < CRED_NGROUPS; i++) {
		u32 v;
		if (ucred_id_from_user(&v, uaddr(a->a[1] + 4ull * i)))
			return -EFAULT;
		g[i] = v;
	}
	for (u64 i = 0; i < size && i < CRED_NGROUPS; i++)
		c->groups[i] = g[i];
	c->ngroups = (u32)size;
	return 0;
}

/*
 * cred.c — the credential calls with Linux's rules (credentials(7), setresuid(2)): the
 * set*uid/set*gid families, their getres* readers, setgroups/getgroups, setfsuid/setfsgid and
 * capget/capset. Privilege is an effective uid of 0, which holds every capability; any other
 * uid holds none (capabilities are not modelled one by one: capget reports that, capset
 * accepts what changes nothing and refuses the rest). An id of -1 leaves that id unchanged.
 * Every set*uid makes the fs uid the effective uid (set*gid: the fs gid), as Linux; a change
 * of the effective or fs ids makes the process not dumpable (fs.suid_dumpable 0).
 */
#include <fw/uaccess.h>
#include <syscall/define.h>
#include <uapi/prctl.h>

#define NO_ID 0xffffffffu

DEFINE_UCOPY(ucred_id, u32);
DEFINE_UCOPY(ucap_header, struct uapi_cap_header);
DEFINE_UCOPY(ucap_data, struct uapi_cap_data);

static bool privileged(const struct cred *c)
{
	return c->euid == 0;
}

/* ids_set - after a set*id call (e its result): an effective or fs id that changed makes the
 * process not dumpable. Returns e. */
static i64 ids_set(struct thread *p, const struct cred *old, int e)
{
	const struct cred *c = &p->fs.cred;
	if (c->euid != old->euid || c->egid != old->egid || c->fsuid != old->fsuid ||
	    c->fsgid != old->fsgid)
		proc_ctl_ids_changed(p);
	return e;
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

SYSCALL_DEFINE3(setresuid, uint, ruid, uint, euid, uint, suid)
{
	struct cred *c = &p->fs.cred;
	struct cred old = *c;
	int e = setres(&c->uid, &c->euid, &c->suid, ruid, euid, suid, privileged(c));
	if (!e)
		c->fsuid = c->euid;
	return ids_set(p, &old, e);
}

SYSCALL_DEFINE3(setresgid, uint, rgid, uint, egid, uint, sgid)
{
	struct cred *c = &p->fs.cred;
	struct cred old = *c;
	int e = setres(&c->gid, &c->egid, &c->sgid, rgid, egid, sgid, privileged(c));
	if (!e)
		c->fsgid = c->egid;
	return ids_set(p, &old, e);
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

SYSCALL_DEFINE2(setreuid, uint, ruid, uint, euid)
{
	struct cred *c = &p->fs.cred;
	struct cred old = *c;
	int e = setre(&c->uid, &c->euid, &c->suid, ruid, euid, privileged(c));
	if (!e)
		c->fsuid = c->euid;
	return ids_set(p, &old, e);
}

SYSCALL_DEFINE2(setregid, uint, rgid, uint, egid)
{
	struct cred *c = &p->fs.cred;
	struct cred old = *c;
	int e = setre(&c->gid, &c->egid, &c->sgid, rgid, egid, privileged(c));
	if (!e)
		c->fsgid = c->egid;
	return ids_set(p, &old, e);
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

SYSCALL_DEFINE1(setuid, uint, uid)
{
	struct cred *c = &p->fs.cred;
	struct cred old = *c;
	int e = set1(&c->uid, &c->euid, &c->suid, uid, privileged(c));
	if (!e)
		c->fsuid = c->euid;
	return ids_set(p, &old, e);
}

SYSCALL_DEFINE1(setgid, uint, gid)
{
	struct cred *c = &p->fs.cred;
	struct cred old = *c;
	int e = set1(&c->gid, &c->egid, &c->sgid, gid, privileged(c));
	if (!e)
		c->fsgid = c->egid;
	return ids_set(p, &old, e);
}

static i64 getres(u32 r, u32 e, u32 s, struct uaddr ur, struct uaddr ue, struct uaddr us)
{
	if (ucred_id_to_user(&r, ur) || ucred_id_to_user(&e, ue) || ucred_id_to_user(&s, us))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid, uptr, ruid, uptr, euid, uptr, suid)
{
	const struct cred *c = &p->fs.cred;
	return getres(c->uid, c->euid, c->suid, ruid, euid, suid);
}

SYSCALL_DEFINE3(getresgid, uptr, rgid, uptr, egid, uptr, sgid)
{
	const struct cred *c = &p->fs.cred;
	return getres(c->gid, c->egid, c->sgid, rgid, egid, sgid);
}

/* getgroups(size, list): size 0 asks for the count; a smaller size is EINVAL. */
SYSCALL_DEFINE2(getgroups, int, size, ulong, list)
{
	const struct cred *c = &p->fs.cred;
	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((u32)size < c->ngroups)
		return -EINVAL;
	for (u32 i = 0; i < c->ngroups && i < CRED_NGROUPS; i++) {
		u32 g = c->groups[i];
		if (ucred_id_to_user(&g, uaddr(list + 4ull * i)))
			return -EFAULT;
	}
	return c->ngroups;
}

/* setgroups(size, list): privileged only; more than CRED_NGROUPS is EINVAL here (Linux
 * allows NGROUPS_MAX, 65536). */
SYSCALL_DEFINE2(setgroups, uint, size, ulong, list)
{
	struct cred *c = &p->fs.cred;
	if (!privileged(c))
		return -EPERM;
	if (size > CRED_NGROUPS)
		return -EINVAL;
	u32 g[CRED_NGROUPS];
	for (u32 i = 0; i < size && i < CRED_NGROUPS; i++) {
		u32 v;
		if (ucred_id_from_user(&v, uaddr(list + 4ull * i)))
			return -EFAULT;
		g[i] = v;
	}
	for (u32 i = 0; i < size && i < CRED_NGROUPS; i++)
		c->groups[i] = g[i];
	c->ngroups = size;
	return 0;
}

/* setfs - setfsuid/setfsgid: the fs id becomes id when it is one of the real, effective,
 * saved or current fs ids, or the caller is privileged; -1 (or a refused id) changes nothing.
 * Either way the old fs id is returned (the call has no error return). */
static i64 setfs(struct thread *p, u32 *fsp, u32 r, u32 e, u32 s, u32 id)
{
	const struct cred *c = &p->fs.cred;
	struct cred old = *c;
	u32 was = *fsp;
	if (id != NO_ID && (one_of(id, r, e, s) || id == was || privileged(c)))
		*fsp = id;
	(void)ids_set(p, &old, 0);
	return was;
}

SYSCALL_DEFINE1(setfsuid, uint, fsuid)
{
	struct cred *c = &p->fs.cred;
	return setfs(p, &c->fsuid, c->uid, c->euid, c->suid, fsuid);
}

SYSCALL_DEFINE1(setfsgid, uint, fsgid)
{
	struct cred *c = &p->fs.cred;
	return setfs(p, &c->fsgid, c->gid, c->egid, c->sgid, fsgid);
}

/* The capability sets: every capability (0..CAP_LAST_CAP) for an effective uid of 0, none
 * otherwise; the inheritable set is empty (as Linux's root). As two 32-bit words. */
struct cap_words {
	u32 w[2];
};

static struct cap_words caps_of(const struct cred *c)
{
	bool all = privileged(c);
	return (struct cap_words){ { all ? 0xffffffffu : 0,
				     all ? (u32)((1ull << (UAPI_CAP_LAST_CAP - 31)) - 1) : 0 } };
}

/* cap_words - the header's version: how many data structs it exchanges (v1: 1; v2, v3: 2),
 * or -EINVAL after writing the preferred version (v3) back, as Linux. */
static int cap_words(struct uapi_cap_header *h, u64 uh)
{
	if (h->version == UAPI_LINUX_CAPABILITY_VERSION_1)
		return 1;
	if (h->version == UAPI_LINUX_CAPABILITY_VERSION_2 ||
	    h->version == UAPI_LINUX_CAPABILITY_VERSION_3)
		return 2;
	h->version = UAPI_LINUX_CAPABILITY_VERSION_3;
	return ucap_header_to_user(h, uaddr(uh)) ? -EFAULT : -EINVAL;
}

SYSCALL_DEFINE2(capget, ulong, header, ulong, data)
{
	struct uapi_cap_header h;
	if (ucap_header_from_user(&h, uaddr(header)))
		return -EFAULT;
	int n = cap_words(&h, header);
	if (!data) /* a version probe: a bad version was answered with the preferred one */
		return n == -EINVAL ? 0 : n < 0 ? n : 0;
	if (n < 0)
		return n;
	if (h.pid < 0)
		return -EINVAL;
	struct cred c = p->fs.cred;
	if (h.pid && (u32)h.pid != p->leader->pid && (u32)h.pid != p->pid) {
		struct thread *t = proc_by_pid(h.pid);
		if (!t)
			return -ESRCH;
		struct proc_info info;
		proc_info_of(t, &info);
		proc_put(t);
		c = info.cred;
	}
	struct cap_words cw = caps_of(&c);
	for (int i = 0; i < n; i++) {
		struct uapi_cap_data d = { .effective = cw.w[i], .permitted = cw.w[i], .inheritable = 0 };
		if (ucap_data_to_user(&d, uaddr(data + (u64)i * sizeof d)))
			return -EFAULT;
	}
	return 0;
}

/* capset(2): only the caller itself (pid 0 or its own); Linux's rules (the new permitted set
 * within the old, effective within the new permitted, inheritable within the old inheritable
 * and permitted sets) give EPERM. A change that passes them would drop capabilities this
 * kernel does not keep apart: -EINVAL rather than a success that changes nothing. */
SYSCALL_DEFINE2(capset, ulong, header, ulong, data)
{
	struct uapi_cap_header h;
	if (ucap_header_from_user(&h, uaddr(header)))
		return -EFAULT;
	int n = cap_words(&h, header);
	if (n < 0)
		return n;
	if (h.pid && (u32)h.pid != p->leader->pid && (u32)h.pid != p->pid)
		return -EPERM;
	struct cap_words cw = caps_of(&p->fs.cred);
	bool same = true;
	for (int i = 0; i < 2; i++) {
		struct uapi_cap_data d = { 0 };
		if (i < n && ucap_data_from_user(&d, uaddr(data + (u64)i * sizeof d)))
			return -EFAULT;
		if ((d.permitted & ~cw.w[i]) || (d.effective & ~d.permitted) ||
		    (d.inheritable & ~cw.w[i]))
			return -EPERM;
		if (i < n && (d.permitted != cw.w[i] || d.effective != cw.w[i] || d.inheritable))
			same = false;
	}
	return same ? 0 : -EINVAL;
}

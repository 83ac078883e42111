/*
 * proc/uts.h — the host and domain names uname(2) reports (sethostname(2), setdomainname(2);
 * /proc/sys/kernel/{hostname,domainname} read and write the same). One set for the system (no
 * UTS namespaces). At boot: "trellis" and "(none)".
 */
#ifndef KERNEL_PROC_UTS_H
#define KERNEL_PROC_UTS_H

#include <fw/bytes.h>
#include <fw/types.h>

#define UTS_NAME_MAX 64u /* __NEW_UTS_LEN */

enum uts_field {
	UTS_HOSTNAME,
	UTS_DOMAINNAME,
};

/* uts_read - the field's text (no NUL) into the start of dst: its length (cut to dst's).
 * Context: any task. */
size_t uts_read(enum uts_field field, struct bytes dst);

/* uts_write - the field becomes src (no permission check: the caller's): 0, or -EINVAL when
 * src is longer than UTS_NAME_MAX. A NUL in src ends the name there, as Linux stores it. */
int uts_write(enum uts_field field, struct bytes src);

#endif /* KERNEL_PROC_UTS_H */

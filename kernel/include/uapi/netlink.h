/*
 * uapi/netlink.h — the netlink and rtnetlink constants and structures of Linux
 * (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h, linux/if.h) that
 * AF_NETLINK's NETLINK_ROUTE answers need, as plain data.
 */
#ifndef KERNEL_UAPI_NETLINK_H
#define KERNEL_UAPI_NETLINK_H

#include <fw/types.h>

#define UAPI_NETLINK_ROUTE 0
#define UAPI_NETLINK_MAX_LINKS 32

struct uapi_sockaddr_nl {
	u16 nl_family;
	u16 nl_pad;
	u32 nl_pid;
	u32 nl_groups;
};

struct uapi_nlmsghdr {
	u32 nlmsg_len;
	u16 nlmsg_type;
	u16 nlmsg_flags;
	u32 nlmsg_seq;
	u32 nlmsg_pid;
};
#define UAPI_NLMSG_ALIGN(len) (((len) + 3u) & ~3u)

#define UAPI_NLMSG_NOOP 1
#define UAPI_NLMSG_ERROR 2
#define UAPI_NLMSG_DONE 3

#define UAPI_NLM_F_REQUEST 0x1u
#define UAPI_NLM_F_MULTI 0x2u
#define UAPI_NLM_F_ACK 0x4u
#define UAPI_NLM_F_ROOT 0x100u
#define UAPI_NLM_F_MATCH 0x200u
#define UAPI_NLM_F_DUMP (UAPI_NLM_F_ROOT | UAPI_NLM_F_MATCH)

#define UAPI_RTM_NEWLINK 16
#define UAPI_RTM_GETLINK 18
#define UAPI_RTM_NEWADDR 20
#define UAPI_RTM_GETADDR 22

struct uapi_ifinfomsg {
	u8 ifi_family;
	u8 ifi_pad;
	u16 ifi_type;
	i32 ifi_index;
	u32 ifi_flags;
	u32 ifi_change;
};

struct uapi_ifaddrmsg {
	u8 ifa_family;
	u8 ifa_prefixlen;
	u8 ifa_flags;
	u8 ifa_scope;
	u32 ifa_index;
};

struct uapi_rtattr {
	u16 rta_len;
	u16 rta_type;
};

#define UAPI_IFLA_ADDRESS 1
#define UAPI_IFLA_BROADCAST 2
#define UAPI_IFLA_IFNAME 3
#define UAPI_IFLA_MTU 4
#define UAPI_IFLA_QDISC 6
#define UAPI_IFLA_TXQLEN 13
#define UAPI_IFLA_OPERSTATE 16
#define UAPI_IFLA_LINKMODE 17

#define UAPI_IFA_ADDRESS 1
#define UAPI_IFA_LOCAL 2
#define UAPI_IFA_LABEL 3
#define UAPI_IFA_CACHEINFO 6
#define UAPI_IFA_FLAGS 8

/* IFA_CACHEINFO's payload: lifetimes in seconds (INFINITY_LIFE_TIME: forever), creation and
 * update stamps in hundredths of a second since boot. */
struct uapi_ifa_cacheinfo {
	u32 ifa_prefered;
	u32 ifa_valid;
	u32 cstamp;
	u32 tstamp;
};
#define UAPI_INFINITY_LIFE_TIME 0xffffffffu

#define UAPI_ARPHRD_LOOPBACK 772
#define UAPI_IFF_UP 0x1u
#define UAPI_IFF_LOOPBACK 0x8u
#define UAPI_IFF_RUNNING 0x40u
#define UAPI_IFF_LOWER_UP 0x10000u
#define UAPI_IFA_F_PERMANENT 0x80u
#define UAPI_RT_SCOPE_HOST 254
#define UAPI_IF_OPER_UNKNOWN 0

#endif /* KERNEL_UAPI_NETLINK_H */

/*
 * tests/kernel/t_uapi_netlink.c — uapi/netlink.h against the Linux headers (linux/netlink.h,
 * linux/rtnetlink.h, linux/if_addr.h, linux/if_link.h, linux/if_arp.h): the sizes and field
 * offsets of the messages NETLINK_ROUTE answers with, and the constants net/netlink.c uses.
 */
#include <stddef.h>

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <uapi/netlink.h>

#include "khost.h"

#define SAME(ours, theirs, f1, f2)                                                          \
	KT_EXPECT(kt, offsetof(ours, f1) == offsetof(theirs, f2) &&                         \
			      sizeof(((ours *)0)->f1) == sizeof(((theirs *)0)->f2))

KTEST(uapi, netlink)
{
	KT_EXPECT(kt, sizeof(struct uapi_sockaddr_nl) == sizeof(struct sockaddr_nl));
	SAME(struct uapi_sockaddr_nl, struct sockaddr_nl, nl_pid, nl_pid);
	SAME(struct uapi_sockaddr_nl, struct sockaddr_nl, nl_groups, nl_groups);
	KT_EXPECT(kt, sizeof(struct uapi_nlmsghdr) == sizeof(struct nlmsghdr));
	SAME(struct uapi_nlmsghdr, struct nlmsghdr, nlmsg_type, nlmsg_type);
	SAME(struct uapi_nlmsghdr, struct nlmsghdr, nlmsg_seq, nlmsg_seq);
	SAME(struct uapi_nlmsghdr, struct nlmsghdr, nlmsg_pid, nlmsg_pid);
	KT_EXPECT(kt, sizeof(struct uapi_ifinfomsg) == sizeof(struct ifinfomsg));
	SAME(struct uapi_ifinfomsg, struct ifinfomsg, ifi_type, ifi_type);
	SAME(struct uapi_ifinfomsg, struct ifinfomsg, ifi_index, ifi_index);
	SAME(struct uapi_ifinfomsg, struct ifinfomsg, ifi_flags, ifi_flags);
	SAME(struct uapi_ifinfomsg, struct ifinfomsg, ifi_change, ifi_change);
	KT_EXPECT(kt, sizeof(struct uapi_ifaddrmsg) == sizeof(struct ifaddrmsg));
	SAME(struct uapi_ifaddrmsg, struct ifaddrmsg, ifa_prefixlen, ifa_prefixlen);
	SAME(struct uapi_ifaddrmsg, struct ifaddrmsg, ifa_scope, ifa_scope);
	SAME(struct uapi_ifaddrmsg, struct ifaddrmsg, ifa_index, ifa_index);
	KT_EXPECT(kt, sizeof(struct uapi_rtattr) == sizeof(struct rtattr));
	KT_EXPECT(kt, sizeof(struct uapi_ifa_cacheinfo) == sizeof(struct ifa_cacheinfo));
	SAME(struct uapi_ifa_cacheinfo, struct ifa_cacheinfo, ifa_prefered, ifa_prefered);
	SAME(struct uapi_ifa_cacheinfo, struct ifa_cacheinfo, ifa_valid, ifa_valid);
	SAME(struct uapi_ifa_cacheinfo, struct ifa_cacheinfo, cstamp, cstamp);
	SAME(struct uapi_ifa_cacheinfo, struct ifa_cacheinfo, tstamp, tstamp);
	KT_EXPECT(kt, UAPI_NETLINK_ROUTE == NETLINK_ROUTE && UAPI_NLMSG_ERROR == NLMSG_ERROR &&
			      UAPI_NLMSG_DONE == NLMSG_DONE && UAPI_NLM_F_MULTI == NLM_F_MULTI &&
			      UAPI_NLM_F_ACK == NLM_F_ACK && UAPI_NLM_F_DUMP == NLM_F_DUMP);
	KT_EXPECT(kt, UAPI_RTM_NEWLINK == RTM_NEWLINK && UAPI_RTM_GETLINK == RTM_GETLINK &&
			      UAPI_RTM_NEWADDR == RTM_NEWADDR && UAPI_RTM_GETADDR == RTM_GETADDR);
	KT_EXPECT(kt, UAPI_IFLA_ADDRESS == IFLA_ADDRESS && UAPI_IFLA_BROADCAST == IFLA_BROADCAST &&
			      UAPI_IFLA_IFNAME == IFLA_IFNAME && UAPI_IFLA_MTU == IFLA_MTU &&
			      UAPI_IFLA_QDISC == IFLA_QDISC && UAPI_IFLA_TXQLEN == IFLA_TXQLEN &&
			      UAPI_IFLA_OPERSTATE == IFLA_OPERSTATE && UAPI_IFLA_LINKMODE == IFLA_LINKMODE);
	KT_EXPECT(kt, UAPI_IFA_ADDRESS == IFA_ADDRESS && UAPI_IFA_LOCAL == IFA_LOCAL &&
			      UAPI_IFA_LABEL == IFA_LABEL && UAPI_IFA_CACHEINFO == IFA_CACHEINFO &&
			      UAPI_IFA_FLAGS == IFA_FLAGS && UAPI_IFA_F_PERMANENT == IFA_F_PERMANENT);
	KT_EXPECT(kt, UAPI_ARPHRD_LOOPBACK == ARPHRD_LOOPBACK && UAPI_IFF_UP == IFF_UP &&
			      UAPI_IFF_LOOPBACK == IFF_LOOPBACK && UAPI_IFF_RUNNING == IFF_RUNNING &&
			      UAPI_IFF_LOWER_UP == IFF_LOWER_UP && UAPI_RT_SCOPE_HOST == RT_SCOPE_HOST &&
			      UAPI_IF_OPER_UNKNOWN == IF_OPER_UNKNOWN);
}

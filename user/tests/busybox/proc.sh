# busybox.proc — processes and system: ps kill sleep date env id uname timeout nice, ip
# (netlink: the loopback device) and dmesg (the kernel log, issue #17). Sourced
# by run.sh.
CASES="ps_lists_process kill_signals sleep_duration date_formats env_manipulation
shell_pid_is_proc_self id_and_uname timeout_kills ip_lists_loopback ip_link_set_up_and_qlen
dmesg_head"

t_ps_lists_process() {
	sleep 5 & p=$!
	# until the forked shell has exec'd sleep
	for i in $(seq 50); do ps -o pid,comm | grep -q "^ *$p sleep" && break; sleep 0.1; done
	ps -o pid,comm | awk -v p=$p '$1 == p { print $2 }'; ps | grep -c '[s]leep 5'; kill $p
}
t_kill_signals() {
	sleep 10 & p=$!; kill -USR1 $p; wait $p; echo "usr1 $?"
	sleep 10 & p=$!; kill -9 $p; wait $p; echo "kill $?"
	kill -l 9; kill -l 15; kill -0 $$ && echo alive; kill -0 999999 2> /dev/null; echo "gone $?"
}
t_sleep_duration() { s=$(date +%s); sleep 1; e=$(date +%s); [ $((e - s)) -ge 1 ] && [ $((e - s)) -le 30 ] && echo slept; sleep 0.1 && echo fraction; }
t_date_formats() { date -u -d @86400 '+%Y-%m-%d %H:%M:%S %a'; date -u -d '2020-02-29 12:00' '+%j %A'; date -u -d @0 +%s; [ "$(date +%Y)" -ge 2020 ] && echo recent; }
t_env_manipulation() { env -i A=1 B=2 env | sort; FOO=bar sh -c 'echo $FOO'; export X=1; env -u X sh -c 'echo "[$X]"'; env -i sh -c 'echo "[$HOME]"'; }
t_shell_pid_is_proc_self() { sh -c 'echo $$ > p; exec cat /proc/self/stat' | awk '{ print $1 }' > q; cmp -s p q && echo same; echo $$ > me; [ "$(cat me)" = "$$" ] && echo stable; }
t_id_and_uname() { id -u; id -un; id -g; uname -s; [ -n "$(uname -r)" ] && echo release; uname -m; }
t_timeout_kills() { timeout 1 sleep 5; echo "timed out $?"; timeout 5 true; echo "fine $?"; }
# ip's listings of lo, whole, as Linux prints them once lo is up. Linux boots with lo down (user
# space brings it up); Trellis's lo is up from boot. Busybox's `ip link set` and the " qlen N"
# that `ip` appends to a link line both use an AF_INET socket's ioctls (SIOCSIFFLAGS,
# SIOCGIFTXQLEN), which Trellis has not yet (no AF_INET: its `ip link set` fails and ip prints
# no qlen), so here the setup's result is not printed and qlen is cut; ip_link_set_up_and_qlen
# checks both.
t_ip_lists_loopback() {
	ip link set lo up 2> /dev/null
	for a in "link show lo" "link" "-o link" "addr show lo" "addr" "-o addr" "-4 addr" "-6 addr"; do
		echo "== ip $a"
		ip $a | sed 's/qlen [0-9]*//'
	done
}
t_ip_link_set_up_and_qlen() {
	ip link set lo up; echo "set $?"
	ip link show lo
}
t_dmesg_head() { dmesg | head -n 2 | grep -c '^\[ *[0-9]*\.[0-9]\{6\}\] .'; dmesg -r | head -n 1 | grep -c '^<[0-9]*>\['; }

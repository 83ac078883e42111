# admin.sh — group busybox.admin: what a system administrator runs to look at the system (issue #17):
# free, uptime, df, mount, pidof, killall, ps -o pid,ppid,stat,comm, top, dmesg, /proc/self/status
# (every field name Linux prints) and ls -l of fd links (modes and sizes), what /sys
# shows (the network interfaces, the CPUs). Numbers are
# filtered out; only the shape and the facts that hold on any machine are compared.
CASES="free_and_uptime mount_shows_proc pidof_and_killall ps_stat_and_status top_batch
proc_self_fd_links df_lists_tmp uptime_shape sys_class_net sys_cpu_and_mounts
ps_pid_ppid_stat_comm pidof_and_killall_sh dmesg_head status_fields fd_ls_long
mount_rootfs_and_df_skips_devpts mount_fs_options"

t_free_and_uptime() { free | awk 'NR == 2 { print $1, ($2 > 0 && $4 > 0) ? "sizes" : "zero" }'; uptime | grep -c 'load average: '; }
t_mount_shows_proc() { mount | grep -q '^proc on /proc type proc (' && echo mount; grep -q '^proc /proc proc ' /proc/mounts && echo mounts; stat -f -c %t /proc; }
t_pidof_and_killall() {
	sleep 5 & p=$!
	for i in $(seq 50); do pidof sleep | grep -qw $p && break; sleep 0.1; done
	pidof sleep | grep -qw $p && echo pidof; killall -0 sleep && echo killall; kill $p; wait $p
	pidof nosuchprogram; echo "none $?"
}
t_ps_stat_and_status() { ps -o pid,stat | awk -v p=$$ '$1 == p { print $2 }'; awk '/^(Name|State|Uid|Threads):/ { print $1, $2 }' /proc/self/status; }
t_top_batch() { top -b -n 1 | awk 'NR == 1 { print $1 } / top -b -n 1 *$/ { n++ } END { print n ? "listed" : "missing" }'; }
t_proc_self_fd_links() { exec 3< /etc/passwd; readlink /proc/self/fd/3; ls /proc/self/fd | head -n 3 | tr '\n' ' '; echo; head -c 5 /proc/self/fd/3; echo; }
t_df_lists_tmp() {
	df | awk 'NR == 1 { print $1, $NF } $NF == "/tmp" { print $1, ($2 > 0) ? "size" : "zero" }' | uniq
	df -k /tmp | awk 'NR == 2 { print $1, $NF }'
}
t_uptime_shape() { uptime | grep -Ec '^ [0-9]{2}:[0-9]{2}:[0-9]{2} up .*, +load average: [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}, [0-9]+\.[0-9]{2}$'; }
t_sys_class_net() { ls /sys/class/net; readlink /sys/class/net/lo; cat /sys/class/net/lo/mtu; grep -Ec '^(unknown|down)$' /sys/class/net/lo/operstate; }
t_sys_cpu_and_mounts() {
	[ -d /sys/devices/system/cpu/cpu0 ] && echo cpu0
	cat /sys/kernel/mm/transparent_hugepage/enabled | grep -c '\['
	grep -q '^sysfs /sys sysfs ' /proc/mounts && echo mounted; stat -f -c %t /sys
	ls /sys/class | grep -qx tty && echo tty
}
t_ps_pid_ppid_stat_comm() {
	sleep 5 & p=$!
	for i in $(seq 100); do
		grep -q '^State:.S' /proc/$p/status && [ "$(cat /proc/$p/comm)" = sleep ] && break
		sleep 0.1
	done
	ps -o pid,ppid,stat,comm | awk -v p=$p 'NR == 1 { print } NR > 1 { comm[$1] = $4 }
		$1 == p { pp = $2; st = $3 } END { print comm[p], st, "child of", comm[pp] }'
	kill $p; wait $p; true
}
t_pidof_and_killall_sh() {
	pidof sh | tr ' ' '\n' | grep -cx $$
	killall -0 sh; echo "killall $?"
	killall -0 nosuchprogram 2> /dev/null; echo "none $?"
}
t_dmesg_head() {
	dmesg | head -n 5 | grep -c '^\[ *[0-9]*\.[0-9]\{6\}\] .'
	dmesg -r | head -n 5 | grep -c '^<[0-7]>\[ *[0-9]*\.[0-9]\{6\}\] .'
}
t_status_fields() {
	awk -F: '{ printf "%s ", $1 } END { print "" }' /proc/self/status
	grep -E '^(Name|Umask|State|Uid|Gid|Groups|Threads|SigBlk|CapEff|NoNewPrivs|Mems_allowed_list):' /proc/self/status | tr '\t' '|'
}
t_fd_ls_long() {
	: > w
	sh -c 'exec 3< /etc/passwd 4> w 5<> w; ls -l /proc/$$/fd; true' | awk '{ print $1, $2, $3, $4, $5, $9, $10, $11 }' | sed 's|/tmp/bb\.admin\.[a-z_]*|TMP|; s|pipe:\[[0-9]*\]|pipe:[N]|'
}
t_mount_rootfs_and_df_skips_devpts() {
	mount | awk 'NR == 1 { print $1, $2, $3, $4, $5 }'
	grep -c '^devpts /dev/pts devpts ' /proc/mounts
	df | awk '$1 == "devpts"' | wc -l
	stat -f -c '%t %b' /dev/pts
}
t_mount_fs_options() {
	awk '$1 == "devpts" || $2 == "/tmp" { print $1, $2, $4 }' /proc/mounts
	grep -o ' - devpts .*' /proc/self/mountinfo
}

# busybox.ash — the shell itself: pipelines, redirections, here-documents, subshells, traps,
# wait, background jobs, exit statuses, expansions, functions. Sourced by run.sh.
CASES="pipeline pipeline_status redirect_out_append redirect_fds stderr_redirect heredoc
heredoc_quoted_and_tabs subshell_isolation command_substitution arithmetic trap_exit
trap_signal wait_status background_jobs kill_background_job exit_status_values
not_executable_126 case_and_loops functions_locals_return set_e_and_or parameter_expansion
quoting_and_globs read_ifs eval_and_shift exec_replaces pipe_to_while_read"

t_pipeline() { echo "b a c" | tr ' ' '\n' | sort | head -n 2; }
t_pipeline_status() { false | true; echo $?; true | false; echo $?; ! false; echo $?; }
t_redirect_out_append() { echo one > f; echo two >> f; echo three > f2; cat f f2; wc -l < f; }
t_redirect_fds() {
	echo data > f
	read x < f
	echo "$x"
	exec 3> g
	echo via3 >&3
	exec 3>&-
	cat g
	echo both > h 2>&1
	cat h
}
t_stderr_redirect() {
	{ echo out; echo err >&2; } 2>&1 > /dev/null | cat
	ls /nonexistent 2> /dev/null || echo "ls failed"
	sh -c 'echo to-err >&2' 2> e
	cat e
}
t_heredoc() {
	name=world
	cat <<EOT
hello $name
sum $((1 + 2))
EOT
}
t_heredoc_quoted_and_tabs() {
	name=world
	cat <<'EOT'
hello $name
EOT
	cat <<-EOT
		stripped $name
	EOT
}
t_subshell_isolation() { x=1; (x=2; cd /; echo "in $x $(pwd)"); echo "out $x $(basename "$(pwd)")"; }
t_command_substitution() { a=$(echo hi | tr a-z A-Z); echo "$a" "$(echo $(echo inner))" `echo back`; }
t_arithmetic() {
	echo $((7 / 2)) $((7 % 3)) $((1 << 4)) $(((2 + 3) * 4)) $((-5 + 2)) $((0x10))
	i=0
	while [ $i -lt 5 ]; do i=$((i + 1)); done
	echo "$i"
}
t_trap_exit() { sh -c 'trap "echo bye" EXIT; echo hi'; }
t_trap_signal() { sh -c 'trap "echo got USR1" USR1; kill -USR1 $$; echo after'; }
t_wait_status() { sh -c 'exit 3' & wait $!; echo $?; sh -c 'exit 4' & p=$!; sleep 0.1; wait $p; echo $?; }
t_background_jobs() {
	(sleep 0.3; echo second) &
	echo first
	wait
	echo done
}
t_kill_background_job() { sleep 10 & p=$!; kill $p; wait $p; echo $?; }
t_exit_status_values() {
	sh -c 'exit 7'; echo $?
	/nonexistent/cmd 2> /dev/null; echo $?
	sh -c 'kill -TERM $$'; echo $?
	sh -c 'exit 300'; echo $?
	(exit 5)
}
t_not_executable_126() { echo 'echo hi' > s; chmod 644 s; ./s 2> /dev/null; echo $?; chmod 755 s; ./s; }
t_case_and_loops() {
	for w in apple banana cherry 42; do
		case $w in
		a*) echo "A:$w" ;;
		*an*) echo "AN:$w" ;;
		[0-9]*) echo "NUM:$w" ;;
		*) echo "other:$w" ;;
		esac
	done
	n=0
	until [ $n -ge 3 ]; do n=$((n + 1)); [ $n = 2 ] && continue; echo "n=$n"; done
	for i in 1 2 3 4; do [ $i = 3 ] && break; echo "i=$i"; done
}
t_functions_locals_return() {
	f() { local v=inner; g=global; echo "args:$# $1"; return 3; }
	v=outer
	f x y
	echo "ret:$? v:$v g:$g"
}
t_set_e_and_or() { sh -c 'set -e; false || echo ok; false; echo never'; echo "status $?"; true && echo and; false || echo or; }
t_parameter_expansion() {
	x=dir/sub/file.tar.gz
	echo "${x#*/} ${x##*/} ${x%.*} ${x%%.*} ${#x}"
	echo "${unset:-default} ${x:+set} [${empty}]"
	: ${y:=assigned}
	echo "$y"
}
t_quoting_and_globs() {
	touch a1 a2 b1
	echo a*
	echo "a*" 'a*' \a\*
	set -- "x y" z
	echo $#
	echo nomatch*
}
t_read_ifs() { echo "a:b:c" | { IFS=: read x y z; echo "$z $y $x"; }; printf 'one two three\n' | { read f rest; echo "[$rest]"; }; }
t_eval_and_shift() { cmd='echo evaluated $1'; set -- p1 p2 p3; eval "$cmd"; shift 2; echo "$# $1"; }
t_exec_replaces() { sh -c 'exec echo replaced; echo not'; }
t_pipe_to_while_read() { printf 'x\ny\n' | while read l; do echo "<$l>"; done; }

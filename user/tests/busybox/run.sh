#!/bin/sh
# Runs one group of busybox cases and prints it as a nested KTAP subtest `busybox.GROUP`.
#
#   sh run.sh GROUP            GROUP.sh (next to this file) defines CASES="name ..." and a
#                              function t_NAME per case; each case runs in a subshell, in a fresh
#                              empty directory, with stdin from /dev/null and a 20 s watchdog.
#                              Its stdout, followed by `exit:N` when its status N is not 0, must
#                              equal expected/GROUP/NAME byte for byte; a mismatch prints the diff.
#   BLESS=1 sh run.sh GROUP    writes expected/GROUP/NAME from the actual output instead (for a
#                              new case: review the file by hand before committing it).
# Exit status: 0 when every case matched. Needs only busybox (and its applets on PATH).
group=$1
here=$(cd "$(dirname "$0")" && pwd)
export TZ=UTC LC_ALL=C
. "$here/$group.sh"

set -- $CASES
echo "    KTAP version 1"
echo "    # Subtest: busybox.$group"
echo "    1..$#"
n=0
failed=0
for c in $CASES; do
	n=$((n + 1))
	dir=/tmp/bb.$group.$c
	rm -rf "$dir" "$dir.out" "$dir.err"
	mkdir -p "$dir"
	cd "$dir" || exit 2
	( "t_$c" ) > "$dir.out" 2> "$dir.err" < /dev/null &
	pid=$!
	( sleep 20; kill -9 "$pid" ) 2> /dev/null &
	dog=$!
	wait "$pid"
	rc=$?
	kill "$dog" 2> /dev/null
	wait "$dog" 2> /dev/null
	[ "$rc" != 0 ] && echo "exit:$rc" >> "$dir.out"
	want=$here/expected/$group/$c
	if [ -n "$BLESS" ]; then
		mkdir -p "$here/expected/$group"
		cp "$dir.out" "$want"
	fi
	if cmp -s "$dir.out" "$want"; then
		echo "    ok $n $c"
	else
		failed=$((failed + 1))
		diff -u "$want" "$dir.out" 2>&1 | head -n 30 | sed 's/^/    # /'
		head -n 5 "$dir.err" | sed 's/^/    # stderr: /'
		echo "    not ok $n $c"
	fi
	cd /
	rm -rf "$dir" "$dir.out" "$dir.err"
done
[ "$failed" = 0 ]

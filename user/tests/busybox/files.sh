# busybox.files — file applets: ls cat cp mv rm mkdir ln find stat du df dd mount touch chmod
# test basename dirname. Sourced by run.sh.
CASES="mkdir_p_and_ls ls_long_fields cat_concat cp_files_and_trees mv_rename_and_move
rm_recursive_and_errors ln_hard_and_soft find_filters stat_format touch_sets_mtime
chmod_symbolic dd_blocks du_on_tmpfs df_on_tmpfs mount_tmpfs test_file_ops basename_dirname"

t_mkdir_p_and_ls() { mkdir -p a/b/c; touch a/f a/.hidden; ls a; ls -a a | tr '\n' ' '; echo; ls -d a/b; mkdir a 2> /dev/null; echo "again $?"; ls -R a; }
t_ls_long_fields() { echo 12345 > f; chmod 640 f; mkdir d; ls -ln f | awk '{ print $1, $2, $3, $4, $5, $NF }'; ls -ld d | cut -c1-10; ln -s f l; ls -l l | awk '{ print $1, $(NF-2), $(NF-1), $NF }' | cut -c1-1,11-; }
t_cat_concat() { echo one > a; echo two > b; cat a b; cat -n a b; cat missing 2> /dev/null; echo "st $?"; echo stdin | cat - a; }
t_cp_files_and_trees() {
	mkdir -p src/sub; echo x > src/sub/f; echo y > src/g; chmod 600 src/g; touch -d '2001-01-01 00:00:00' src/g
	cp src/g plain; cp -p src/g kept; cp -r src dst
	stat -c '%a %Y %n' plain kept | sed 's/^600 [0-9]* plain/600 now plain/'
	find dst | sort; cat dst/sub/f
	cp src nodir 2> /dev/null; echo "dir without -r: $?"
}
t_mv_rename_and_move() { echo a > f; mkdir d; mv f g; mv g d/; ls d; mv d e; ls; mv missing x 2> /dev/null; echo "st $?"; }
t_rm_recursive_and_errors() { mkdir -p d/e; touch d/e/f; rm d 2> /dev/null; echo "dir $?"; rm -r d; ls; rm missing 2> /dev/null; echo "missing $?"; rm -f missing; echo "forced $?"; }
t_ln_hard_and_soft() { echo c > f; ln f h; ln -s f s; stat -c '%h %n' f h; readlink s; cat s; ln f h 2> /dev/null; echo "exists $?"; ln -sf h s; readlink s; }
t_find_filters() {
	mkdir -p a/b; touch a/x.txt a/b/y.txt a/z.log; dd if=/dev/zero of=a/big bs=1024 count=10 2> /dev/null
	find . -name '*.txt' | sort; find . -type d | sort; find . -size +5k; find a -name '*.log' -exec echo found {} \;
	find a -maxdepth 1 -type f | sort
}
t_stat_format() { printf 'abcde' > f; chmod 604 f; mkdir d; stat -c '%s %a %F %n' f; stat -c '%F' d; stat -c '%u %g %U' f; stat missing 2> /dev/null; echo "st $?"; }
t_touch_sets_mtime() { touch -d '2001-02-03 04:05:06' f; stat -c %Y f; date -u -r f '+%Y-%m-%d %H:%M:%S'; touch -c missing; ls; }
t_chmod_symbolic() { touch f; chmod 644 f; chmod u+x,g-r,o+w f; stat -c %a f; chmod a=r f; stat -c %a f; mkdir -p d/e; chmod -R 700 d; stat -c '%a %n' d d/e; }
t_dd_blocks() {
	dd if=/dev/zero of=f bs=512 count=3 2> err; stat -c %s f; head -n 2 err
	printf '0123456789' > s; dd if=s of=o bs=1 skip=2 count=4 2> /dev/null; cat o; echo
	printf 'ab' | dd of=o bs=1 seek=1 conv=notrunc 2> /dev/null; cat o; echo
	dd if=s bs=4 count=1 2> /dev/null; echo
}
t_du_on_tmpfs() { mkdir m; mount -t tmpfs -o size=1m tmpfs m; mkdir m/d; dd if=/dev/zero of=m/d/f bs=4096 count=2 2> /dev/null; du -k m/d/f; du -sk m/d; umount m; }
t_df_on_tmpfs() { mkdir m; mount -t tmpfs -o size=1m tmpfs m; df -k m | tail -n 1 | awk '{ print $1, $2, $NF }' | sed "s|$(pwd)|.|"; umount m; }
t_mount_tmpfs() {
	mkdir m; mount -t tmpfs -o size=64k,mode=0700 none m; echo data > m/f; cat m/f; stat -c %a m
	grep -c " $(pwd)/m tmpfs " /proc/mounts
	dd if=/dev/zero of=m/big bs=1024 count=100 2> /dev/null; echo "full $?"
	umount m; ls m; mount -t nosuchfs none m 2> /dev/null; echo "bad fs $?"
}
t_test_file_ops() {
	touch f; mkdir d; ln -s f l; echo x > s; chmod 755 s
	for e in '-e f' '-f f' '-d d' '-s s' '-s f' '-x s' '-x f' '-L l' '-e missing' '-r f' 'f -ef l'; do
		if test $e; then echo "$e: yes"; else echo "$e: no"; fi
	done
	[ abc = abc ] && [ 3 -gt 2 ] && [ -n x ] && [ -z "" ] && echo strings
}
t_basename_dirname() { basename /a/b/c.txt; basename /a/b/c.txt .txt; dirname /a/b/c.txt; dirname c; mkdir -p x/y; cd x/y; realpath ../.. | sed "s|/tmp/bb.files.basename_dirname|T|"; }

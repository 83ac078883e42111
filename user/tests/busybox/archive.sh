# busybox.archive — tar, gzip, checksums. Sourced by run.sh.
CASES="tar_create_list_extract tar_gzip_roundtrip gzip_gunzip_roundtrip md5sum_known
sha256sum_known checksum_verify zcat_and_gzip_test"

tree() { mkdir -p t/sub; echo alpha > t/a; echo beta > t/sub/b; printf 'x%.0s' $(seq 100) > t/sub/x; }
t_tar_create_list_extract() { tree; tar cf t.tar t; tar tf t.tar | sort; mkdir out; tar xf t.tar -C out; cat out/t/a out/t/sub/b; cmp t/sub/x out/t/sub/x && echo same; }
t_tar_gzip_roundtrip() { tree; tar czf t.tgz t; rm -r t; tar xzf t.tgz; find t -type f | sort; cat t/sub/b; }
t_gzip_gunzip_roundtrip() { seq 1000 > f; cp f orig; gzip f; ls; gunzip f.gz; cmp f orig && echo restored; gzip -c f > f.gz; ls; }
t_md5sum_known() { echo abc > f; md5sum f; printf '' | md5sum; }
t_sha256sum_known() { echo abc > f; sha256sum f; printf '' | sha256sum; sha1sum f; }
t_checksum_verify() { echo abc > f; echo xyz > g; md5sum f g > sums; md5sum -c sums; echo changed > g; md5sum -c sums 2> /dev/null; echo "st $?"; }
t_zcat_and_gzip_test() { echo payload | gzip > p.gz; zcat p.gz; gzip -t p.gz && echo intact; echo garbage > bad.gz; gzip -t bad.gz 2> /dev/null; echo "bad $?"; }

#!/bin/sh
# A benign node's kernel events, made by real tools: a package installed, removed and installed
# again by dpkg (files into /usr/local/bin and /usr/local/lib through .dpkg-new renames), log
# rotation by logrotate (rename, compress, delete, create under /var/log), and a CI-like build
# step (git, make, cc, running the result, tar, rm). The shipped rule pack must raise nothing for
# it (apps/sentinel/src/sentinel-benign.spec.ts; bench/sentinel/syscall-heavy.mjs counts alerts).
# Usage: unshare --mount --propagation private sh benign-workload.sh <scratch dir> [rounds]
# It mounts tmpfs over /usr/local and /var/log, so run it only in a private mount namespace:
# the host's directories are never written.
set -eu
work=$1
rounds=${2:-1}
if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]; then
	echo "benign-workload.sh: run it in a private mount namespace (unshare --mount --propagation private)" >&2
	exit 2
fi
for tool in dpkg dpkg-deb logrotate git make cc tar gzip; do
	command -v "$tool" >/dev/null || { echo "benign-workload.sh: '$tool' not found (apt-get install $tool)" >&2; exit 2; }
done
mount -t tmpfs omega-benign-usr-local /usr/local
mount -t tmpfs omega-benign-var-log /var/log
mkdir -p "$work"

# --- a package: built, installed, removed, installed again, by dpkg with its own database ---
pkg=$work/pkg
mkdir -p "$pkg/DEBIAN" "$pkg/usr/local/bin" "$pkg/usr/local/lib/omega-benign" "$pkg/usr/local/share/doc/omega-benign"
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: omega-benign-tool
Version: 1.0-1
Architecture: all
Maintainer: Omega <omega@example.invalid>
Description: the benign workload's package
CONTROL
cp /usr/bin/true "$pkg/usr/local/bin/omega-benign-tool"
i=0
while [ $i -lt 200 ]; do
	echo "data $i" > "$pkg/usr/local/lib/omega-benign/part$i.dat"
	i=$((i + 1))
done
echo "omega benign tool" > "$pkg/usr/local/share/doc/omega-benign/README"
dpkg-deb --root-owner-group --build "$pkg" "$work/omega-benign-tool.deb" >/dev/null
admin=$work/dpkg
mkdir -p "$admin/info" "$admin/updates" "$admin/triggers"
: > "$admin/status"

# --- log rotation: a service's log grows, logrotate rotates it, compresses and drops old ones ---
mkdir -p /var/log/omega-benign
cat > "$work/logrotate.conf" <<CONF
/var/log/omega-benign/*.log {
	rotate 2
	compress
	missingok
	create 0640 root root
}
CONF

# --- a CI job's workspace ---
ci=$work/ci
mkdir -p "$ci/src"
cat > "$ci/src/hello.c" <<'C'
#include <stdio.h>
int main(void) { puts("hello from the build"); return 0; }
C
cat > "$ci/Makefile" <<'MAKE'
build/hello: src/hello.c
	mkdir -p build
	cc -O2 -o build/hello src/hello.c
test: build/hello
	./build/hello > build/test.out
clean:
	rm -rf build
MAKE

round=0
while [ $round -lt "$rounds" ]; do
	dpkg --admindir="$admin" --force-not-root --log=/dev/null -i "$work/omega-benign-tool.deb" >/dev/null
	/usr/local/bin/omega-benign-tool
	# (its warning that /usr/local, a mount point here, cannot be removed is expected)
	dpkg --admindir="$admin" --log=/dev/null -r omega-benign-tool >/dev/null 2>&1
	dpkg --admindir="$admin" --log=/dev/null -i "$work/omega-benign-tool.deb" >/dev/null

	r=0
	while [ $r -lt 4 ]; do
		i=0
		while [ $i -lt 100 ]; do
			echo "request $round.$r.$i served in 3 ms" >> /var/log/omega-benign/app.log
			i=$((i + 1))
		done
		logrotate -f -s "$work/logrotate.state" "$work/logrotate.conf"
		r=$((r + 1))
	done

	(
		cd "$ci"
		[ -d .git ] || git init -q
		git add -A
		git -c user.name=ci -c user.email=ci@example.invalid commit -qm "build $round" --allow-empty
		make -s test
		tar -czf "$work/artifact-$round.tgz" build
		make -s clean
	)
	round=$((round + 1))
done

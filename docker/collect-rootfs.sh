#!/bin/sh
# collect-rootfs BINARY DEST [EXTRA_DIR...]: lays out DEST as the root of a FROM-scratch image
# running BINARY: DEST/bin/<binary> (stripped), every shared library it links and the dynamic
# loader at the paths ldd reports, OpenSSL and libcrypt (opened at run time), each EXTRA_DIR (dlopen()ed plugins, such as the MariaDB client's
# auth plugins) with the libraries those link, the CA certificates, and /etc/passwd, /etc/group and
# /etc/nsswitch.conf naming nobody (65534). Runs in the Dockerfile's build stage.
set -eu

if [ $# -lt 2 ]; then
  echo "usage: collect-rootfs BINARY DEST [EXTRA_DIR...]" >&2
  exit 2
fi
binary=$1
dest=$2
shift 2

# copy_file SOURCE: SOURCE (symlinks followed) at the same path under DEST.
copy_file() {
  mkdir -p "$dest$(dirname "$1")"
  cp -L "$1" "$dest$1"
}

# copy_libs FILE: the libraries FILE links, as ldd resolves them, and the loader.
copy_libs() {
  ldd "$1" > /tmp/ldd.out 2>&1 || { echo "collect-rootfs: ldd $1 failed: $(cat /tmp/ldd.out)" >&2; exit 1; }
  if grep -q 'not found' /tmp/ldd.out; then
    echo "collect-rootfs: $1 has unresolved libraries:" >&2
    grep 'not found' /tmp/ldd.out >&2
    exit 1
  fi
  # "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' /tmp/ldd.out | while read -r lib; do
    [ -e "$dest$lib" ] || copy_file "$lib"
  done
}

mkdir -p "$dest/bin" "$dest/etc/ssl/certs" "$dest/tmp"
chmod 1777 "$dest/tmp"
cp "$binary" "$dest/bin/"
strip --strip-unneeded "$dest/bin/$(basename "$binary")"
copy_libs "$binary"

# Libraries the core opens only when a web config asks for them: OpenSSL for
# TLS, libcrypt for basic auth. ldd cannot see them.
for name in libssl.so.3 libcrypto.so.3 libcrypt.so.1; do
  lib=$(ldconfig -p | awk -v name="$name" '$1 == name { print $NF; exit }')
  [ -n "$lib" ] || { echo "collect-rootfs: $name not installed" >&2; exit 1; }
  [ -e "$dest$lib" ] || copy_file "$lib"
  copy_libs "$lib"
done

for dir in "$@"; do
  [ -d "$dir" ] || { echo "collect-rootfs: no directory $dir" >&2; exit 1; }
  mkdir -p "$dest$dir"
  for file in "$dir"/*.so; do
    [ -e "$file" ] || continue
    copy_file "$file"
    copy_libs "$file"
  done
done

cp /etc/ssl/certs/ca-certificates.crt "$dest/etc/ssl/certs/"
cat > "$dest/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
EOF
cat > "$dest/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
nogroup:x:65534:
EOF
cat > "$dest/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF
echo "collect-rootfs: $dest: $(du -sh "$dest" | cut -f1)"

#!/usr/bin/env bash
# Builds the node's base image (a JRE 17 and SoftHSM2 on Debian bookworm) as a docker-save tarball,
# from Debian packages alone: no Docker daemon, no container registry.
#
#   build-base.sh OUT.tar [WORKDIR]        (as root: debootstrap and chroot need it)
#
# OUT.tar is what `docker save` writes (manifest.json, the config JSON, one layer tar), which Jib
# takes as a base: mvn -B package -Pimage -pl distribution -am -DskipTests \
#   -Dkeygate.image.base=tar://$(readlink -f OUT.tar)
# It also loads with `docker load` / `podman load`. WORKDIR (default: a new temporary directory,
# removed at the end) holds the root file system while it is built.
# Environment: MIRROR (default http://deb.debian.org/debian), SECURITY_MIRROR
# (http://deb.debian.org/debian-security; its SUITE-security and MIRROR's SUITE-updates are used
# too, so the image has the security fixes of the day), SUITE (bookworm), IMAGE_TAG
# (keygate-base:17), PACKAGES (what the node needs, below), SOURCE_DATE_EPOCH (default: the Date of
# the newest apt Release file used, so two builds from the same archive state give the same tar).
# With a registry, the Dockerfile next to this script is the other way to such a base.
set -euo pipefail

[ $# -ge 1 ] && [ $# -le 2 ] || { sed -n '2,17p' "${BASH_SOURCE[0]}" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "build-base.sh: run as root (debootstrap, chroot)" >&2; exit 2; }
mkdir -p "$(dirname "$1")"
out=$(readlink -f "$1")
mirror=${MIRROR:-http://deb.debian.org/debian}
security_mirror=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
suite=${SUITE:-bookworm}
tag=${IMAGE_TAG:-keygate-base:17}
# The node (bin/keygate's java), SunPKCS11's library (libsofthsm2.so) and what keygate init's
# softhsm-config/create-token.sh runs: bash, softhsm2-util, script (bsdutils), awk, sed (minbase).
packages=${PACKAGES:-openjdk-17-jre-headless softhsm2}

for tool in debootstrap python3 sha256sum tar; do
  command -v "$tool" >/dev/null || {
    [ "$tool" = debootstrap ] && apt-get install -y --no-install-recommends debootstrap >&2 \
      || { echo "build-base.sh: $tool missing (apt-get install $tool)" >&2; exit 3; }
  }
done

if [ $# -eq 2 ]; then
  work=$(readlink -f "$2"); mkdir -p "$work"; keep=1
else
  work=$(mktemp -d /var/tmp/keygate-base.XXXXXX); keep=0
fi
rootfs=$work/rootfs
image=$work/image
cleanup() {
  mountpoint -q "$rootfs/proc" && umount "$rootfs/proc"
  [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
rm -rf "$rootfs" "$image"

echo "build-base.sh: debootstrap $suite into $rootfs" >&2
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >&2

# ca-certificates-java runs java in its postinst: it wants /proc.
mount -t proc proc "$rootfs/proc"
cat > "$rootfs/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
exit 101
EOF
chmod 755 "$rootfs/usr/sbin/policy-rc.d"
cat > "$rootfs/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
EOF
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get update >&2
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive LC_ALL=C apt-get upgrade -y >&2
# shellcheck disable=SC2086  # a list of package names
chroot "$rootfs" env DEBIAN_FRONTEND=noninteractive LC_ALL=C \
  apt-get install -y --no-install-recommends $packages >&2
umount "$rootfs/proc"

epoch=${SOURCE_DATE_EPOCH:-}
if [ -z "$epoch" ]; then
  epoch=0
  for release in "$rootfs"/var/lib/apt/lists/*Release; do
    when=$(date -d "$(sed -n 's/^Date: //p' "$release" | head -1)" +%s)
    [ "$when" -gt "$epoch" ] && epoch=$when
  done
fi

# ca-certificates-java writes Java's trust store as JKS, each entry dated when it was imported:
# the one file that differs between two builds of the same packages. Date them all at the epoch
# (and recompute the keystore's integrity hash, keyed with its password, Debian's "changeit").
cacerts=$rootfs/etc/ssl/certs/java/cacerts
if [ -f "$cacerts" ]; then
  python3 - "$cacerts" "$epoch" changeit <<'EOF'
import hashlib, struct, sys

path, epoch, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(path, "rb").read()
body = bytearray(data[:-20])
key = password.encode("utf-16-be") + b"Mighty Aphrodite"
if hashlib.sha1(key + bytes(body)).digest() != data[-20:]:
    sys.exit("not a JKS keystore with that password: " + path)
magic, version, count = struct.unpack(">III", body[:12])
if magic != 0xFEEDFEED or version != 2:
    sys.exit("not a JKS v2 keystore: " + path)
pos = 12
for _ in range(count):
    tag, = struct.unpack(">I", body[pos:pos + 4]); pos += 4
    if tag != 2:
        sys.exit("a key entry in " + path + ": only trusted certificates are expected")
    n, = struct.unpack(">H", body[pos:pos + 2]); pos += 2 + n
    body[pos:pos + 8] = struct.pack(">q", epoch * 1000); pos += 8
    n, = struct.unpack(">H", body[pos:pos + 2]); pos += 2 + n
    n, = struct.unpack(">I", body[pos:pos + 4]); pos += 4 + n
if pos != len(body):
    sys.exit("trailing bytes in " + path)
open(path, "wb").write(bytes(body) + hashlib.sha1(key + bytes(body)).digest())
EOF
fi

# What is in it, for whoever has to answer "which softhsm2 is that?"
chroot "$rootfs" dpkg-query -W -f '${Package} ${Version}\n' > "$work/packages.txt"

# Caches, logs and state of this build only: none of it is needed to run, all of it differs
# between two builds. Documentation goes too, except the copyright files.
rm -f "$rootfs/usr/sbin/policy-rc.d"
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old \
       "$rootfs"/var/cache/ldconfig/aux-cache "$rootfs"/var/lib/dpkg/*-old \
       "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
       "$rootfs"/tmp/* "$rootfs"/var/tmp/* "$rootfs"/root/.bash_history
find "$rootfs/var/log" -type f -delete
find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
: > "$rootfs/etc/machine-id"
# The container runtime provides /dev, /proc and /sys.
rm -rf "${rootfs:?}"/dev/* "${rootfs:?}"/proc/* "${rootfs:?}"/sys/* "${rootfs:?}"/run/*

mkdir -p "$image"
tar --create --file "$image/layer.tar" --directory "$rootfs" --sort=name --numeric-owner \
    --mtime="@$epoch" --clamp-mtime --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    $(cd "$rootfs" && ls -A)

# manifest.json and the config JSON as `docker save` writes them. JAVA_HOME is what the JRE's
# package installs; PATH is Debian's.
python3 - "$image" "$tag" "$epoch" "$suite" "$packages" <<'EOF'
import datetime, hashlib, json, os, sys

image, tag, epoch, suite, packages = sys.argv[1:]
def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

layer = sha256(os.path.join(image, "layer.tar"))
os.makedirs(os.path.join(image, layer))
os.rename(os.path.join(image, "layer.tar"), os.path.join(image, layer, "layer.tar"))
created = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
config = {
    "architecture": arch,
    "os": "linux",
    "created": created,
    "config": {
        "Env": [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-" + arch,
            "LANG=C.UTF-8",
        ],
        "Cmd": ["/bin/bash"],
    },
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + layer]},
    "history": [{"created": created,
                 "created_by": "deploy/kubernetes/base-image/build-base.sh: debootstrap --variant=minbase "
                               + suite + " + apt-get install " + packages}],
}
data = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
config_name = hashlib.sha256(data).hexdigest() + ".json"
with open(os.path.join(image, config_name), "wb") as f:
    f.write(data)
manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": [layer + "/layer.tar"]}]
with open(os.path.join(image, "manifest.json"), "w") as f:
    json.dump(manifest, f, separators=(",", ":"))
EOF

tar --create --file "$out.tmp" --directory "$image" --sort=name --numeric-owner --owner=0 --group=0 \
    --mtime="@$epoch" --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    $(cd "$image" && ls -A)
mv "$out.tmp" "$out"
cp "$work/packages.txt" "$out.packages.txt"
echo "build-base.sh: $out ($(du -h "$out" | cut -f1), $tag, SOURCE_DATE_EPOCH=$epoch); packages: $out.packages.txt" >&2
